import type { Migration } from '../src/migrate';

// What the post listings need to cost the same at 100 posts and at 100,000:
// - post_counts: the number of posts, kept by triggers on insert and delete,
//   so the index's pagination does not COUNT(*) the whole table per request;
// - posts (timestamp, id, class_id) instead of (timestamp, id): a listing that
//   leaves private classes' notes out filters in the index, not row by row.

const COUNTER = 'post_counts';

export const up: Migration = async ({ context: qi }) => {
  const sequelize = qi.sequelize;
  await sequelize.query(`CREATE TABLE ${COUNTER} (id INTEGER PRIMARY KEY, posts INTEGER NOT NULL)`);
  await sequelize.query(`INSERT INTO ${COUNTER} (id, posts) SELECT 1, COUNT(*) FROM posts`);
  if (sequelize.getDialect() === 'postgres') {
    // The function keeps the schema it was made in, whatever search_path the writer has.
    await sequelize.query(`
      CREATE FUNCTION post_counts_keep() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      BEGIN
        UPDATE ${COUNTER} SET posts = posts + (CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END) WHERE id = 1;
        RETURN NULL;
      END $$`);
    await sequelize.query('CREATE TRIGGER post_counts_keep AFTER INSERT OR DELETE ON posts FOR EACH ROW EXECUTE FUNCTION post_counts_keep()');
  } else {
    await sequelize.query(`CREATE TRIGGER post_counts_insert AFTER INSERT ON posts BEGIN UPDATE ${COUNTER} SET posts = posts + 1 WHERE id = 1; END`);
    await sequelize.query(`CREATE TRIGGER post_counts_delete AFTER DELETE ON posts BEGIN UPDATE ${COUNTER} SET posts = posts - 1 WHERE id = 1; END`);
  }
  await qi.addIndex('posts', ['timestamp', 'id', 'class_id'], { name: 'posts_timestamp_id_class_id' });
  await qi.removeIndex('posts', 'posts_timestamp_id');
};

export const down: Migration = async ({ context: qi }) => {
  const sequelize = qi.sequelize;
  await qi.addIndex('posts', ['timestamp', 'id'], { name: 'posts_timestamp_id' });
  await qi.removeIndex('posts', 'posts_timestamp_id_class_id');
  if (sequelize.getDialect() === 'postgres') {
    await sequelize.query('DROP TRIGGER post_counts_keep ON posts');
    await sequelize.query('DROP FUNCTION post_counts_keep()');
  } else {
    await sequelize.query('DROP TRIGGER post_counts_insert');
    await sequelize.query('DROP TRIGGER post_counts_delete');
  }
  await sequelize.query(`DROP TABLE ${COUNTER}`);
};
