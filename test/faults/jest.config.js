// Fault tests: the real server in child processes, killed, drained and cut off
// from its database. Own suite (npm run test:faults), run one file at a time.
const base = require('../../package.json').jest;

module.exports = {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/faults'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120000,
};
