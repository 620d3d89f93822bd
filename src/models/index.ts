import type { Sequelize } from 'sequelize';
import { Comment } from './comment';
import { Follow } from './follow';
import { CommentLabel, ModerationJob, ModerationModelRecord } from './moderation';
import { Post } from './post';
import { Role } from './role';
import { RememberToken, Session } from './session';
import { Registration, StudyClass } from './study-class';
import { PostTag, Tag } from './tag';
import { User, UserSettings } from './user';

export { Comment, Follow, Post, PostTag, Registration, RememberToken, Role, Session, StudyClass, Tag, User };
export { AnonymousUser, gravatarHash } from './user';
export type { CurrentUser } from './user';
export { Permission } from './permission';
export { CommentLabel, ModerationJob, ModerationModelRecord } from './moderation';
export { slugify } from './study-class';
export type { ClassRole, Visibility } from './study-class';

/** Binds every model to one Sequelize instance and sets up all associations in one place. */
export function initModels(sequelize: Sequelize, settings: UserSettings): void {
  Role.initModel(sequelize);
  User.initModel(sequelize, settings);
  Follow.initModel(sequelize);
  Post.initModel(sequelize);
  Comment.initModel(sequelize);
  StudyClass.initModel(sequelize);
  Registration.initModel(sequelize);
  Session.initModel(sequelize);
  RememberToken.initModel(sequelize);
  CommentLabel.initModel(sequelize);
  ModerationModelRecord.initModel(sequelize);
  ModerationJob.initModel(sequelize);
  Tag.initModel(sequelize);
  PostTag.initModel(sequelize);

  Role.hasMany(User, { as: 'users', foreignKey: 'roleId' });
  User.belongsTo(Role, { as: 'role', foreignKey: 'roleId' });

  User.hasMany(Follow, { as: 'followed', foreignKey: 'followerId', onDelete: 'CASCADE' });
  User.hasMany(Follow, { as: 'followers', foreignKey: 'followedId', onDelete: 'CASCADE' });
  Follow.belongsTo(User, { as: 'follower', foreignKey: 'followerId' });
  Follow.belongsTo(User, { as: 'followedUser', foreignKey: 'followedId' });

  User.hasMany(Post, { as: 'posts', foreignKey: 'authorId' });
  Post.belongsTo(User, { as: 'author', foreignKey: 'authorId' });
  User.hasMany(Comment, { as: 'comments', foreignKey: 'authorId' });
  Comment.belongsTo(User, { as: 'author', foreignKey: 'authorId' });
  Post.hasMany(Comment, { as: 'comments', foreignKey: 'postId' });
  Comment.belongsTo(Post, { as: 'post', foreignKey: 'postId' });

  StudyClass.belongsTo(User, { as: 'teacher', foreignKey: 'teacherId' });
  User.belongsToMany(StudyClass, { through: Registration, as: 'classes', foreignKey: 'studentId', otherKey: 'classId' });
  StudyClass.belongsToMany(User, { through: Registration, as: 'students', foreignKey: 'classId', otherKey: 'studentId' });
  Registration.belongsTo(User, { as: 'student', foreignKey: 'studentId' });
  Registration.belongsTo(StudyClass, { as: 'studyClass', foreignKey: 'classId' });
  StudyClass.hasMany(Registration, { as: 'registrations', foreignKey: 'classId' });
  Post.belongsTo(StudyClass, { as: 'studyClass', foreignKey: 'classId' });
  StudyClass.hasMany(Post, { as: 'posts', foreignKey: 'classId' });
  Post.belongsToMany(Tag, { through: PostTag, as: 'tags', foreignKey: 'postId', otherKey: 'tagId' });
  Tag.belongsToMany(Post, { through: PostTag, as: 'posts', foreignKey: 'tagId', otherKey: 'postId' });

  Comment.hasMany(CommentLabel, { as: 'labels', foreignKey: 'commentId', onDelete: 'CASCADE' });
  CommentLabel.belongsTo(Comment, { as: 'comment', foreignKey: 'commentId' });
  CommentLabel.belongsTo(User, { as: 'moderator', foreignKey: 'moderatorId' });
  ModerationJob.belongsTo(User, { as: 'requester', foreignKey: 'requestedBy' });

  User.hasMany(RememberToken, { foreignKey: 'userId', onDelete: 'CASCADE' });
  User.hasMany(Session, { foreignKey: 'userId', onDelete: 'CASCADE' });
}
