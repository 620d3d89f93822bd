import { DataTypes } from 'sequelize';
import { Migration, table } from '../src/migrate';

// Classes become usable: a join code the teacher can rotate (private classes),
// and an index for the "public classes" listing. Existing rows keep their data.

export const up: Migration = async ({ context: qi }) => {
  await qi.addColumn(table(qi, 'classes') as string, 'join_code', { type: DataTypes.STRING(32), allowNull: true });
  await qi.addIndex('classes', ['join_code'], { unique: true, name: 'classes_join_code_unique' });
  await qi.addIndex('classes', ['visibility', 'name'], { name: 'classes_visibility_name' });
  await qi.addIndex('registrations', ['student_id', 'timestamp'], { name: 'registrations_student_timestamp' });
};

export const down: Migration = async ({ context: qi }) => {
  await qi.removeIndex('registrations', 'registrations_student_timestamp');
  await qi.removeIndex('classes', 'classes_visibility_name');
  await qi.removeIndex('classes', 'classes_join_code_unique');
  await qi.removeColumn(table(qi, 'classes') as string, 'join_code');
};
