import crypto from 'node:crypto';
import {
  CreationOptional,
  DataTypes,
  ForeignKey,
  InferAttributes,
  InferCreationAttributes,
  Model,
  NonAttribute,
  Op,
  Sequelize,
  Transaction,
} from 'sequelize';
import { renderMarkdown } from '../services/markdown';
import { Permission } from './permission';
import type { User } from './user';

export type Visibility = 'public' | 'private';
export type ClassRole = 'student' | 'assistant';

/** A readable, URL-safe slug in any script: letters and digits of every language are kept. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return slug || 'class';
}

const newJoinCode = () => crypto.randomBytes(9).toString('base64url');

/** A class (study group) that students register for. Table `classes`. */
export class StudyClass extends Model<InferAttributes<StudyClass>, InferCreationAttributes<StudyClass>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare slug: string;
  declare description: CreationOptional<string | null>;
  declare descriptionHtml: CreationOptional<string | null>;
  declare visibility: CreationOptional<Visibility>;
  declare joinCode: CreationOptional<string | null>;
  declare teacherId: ForeignKey<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  declare teacher?: NonAttribute<User>;
  /** Filled in by listings. */
  declare memberCount?: NonAttribute<number>;

  get isPrivate(): NonAttribute<boolean> {
    return this.visibility === 'private';
  }

  /** The user's registration in this class, if any. */
  async registrationOf(user: { id: number | null }): Promise<Registration | null> {
    if (user.id == null) return null;
    return Registration.findOne({ where: { classId: this.id, studentId: user.id } });
  }

  /** Members, the teacher and administrators: who may read a private class's notes. */
  async admits(user: { id: number | null; can(p: number): boolean }): Promise<boolean> {
    if (!this.isPrivate || user.can(Permission.ADMIN) || user.id === this.teacherId) return true;
    return (await this.registrationOf(user)) !== null;
  }

  mayManage(user: { id: number | null; can(p: number): boolean }): boolean {
    return user.id === this.teacherId || user.can(Permission.ADMIN);
  }

  /** Registers a user once: a second (or concurrent) registration is a no-op, never a duplicate row. */
  async register(userId: number, role: ClassRole = 'student', transaction?: Transaction): Promise<void> {
    await Registration.bulkCreate([{ classId: this.id, studentId: userId, role }], { ignoreDuplicates: true, transaction });
  }

  async unregister(userId: number): Promise<boolean> {
    return (await Registration.destroy({ where: { classId: this.id, studentId: userId } })) > 0;
  }

  async rotateJoinCode(): Promise<string> {
    this.joinCode = newJoinCode();
    await this.save();
    return this.joinCode;
  }

  /** A slug not yet taken: the name's, then with -2, -3, ... */
  static async freeSlug(name: string, exceptId?: number): Promise<string> {
    const base = slugify(name);
    for (let n = 1; ; n++) {
      const slug = n === 1 ? base : `${base}-${n}`;
      const taken = await StudyClass.findOne({ where: { slug, ...(exceptId ? { id: { [Op.ne]: exceptId } } : {}) } });
      if (!taken) return slug;
    }
  }

  static initModel(sequelize: Sequelize): void {
    StudyClass.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        name: { type: DataTypes.STRING(128), allowNull: false },
        slug: { type: DataTypes.STRING(128), allowNull: false, unique: true },
        description: { type: DataTypes.TEXT, allowNull: true },
        descriptionHtml: { type: DataTypes.TEXT, allowNull: true },
        visibility: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'public' },
        joinCode: { type: DataTypes.STRING(32), allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      {
        sequelize,
        tableName: 'classes',
        modelName: 'StudyClass',
        timestamps: true,
        hooks: {
          beforeSave: (klass) => {
            if (klass.changed('description')) klass.descriptionHtml = klass.description ? renderMarkdown(klass.description, 'post') : null;
            if (klass.isPrivate && !klass.joinCode) klass.joinCode = newJoinCode();
          },
        },
      },
    );
  }
}

/** The association between students and classes, with when and in which role. */
export class Registration extends Model<InferAttributes<Registration>, InferCreationAttributes<Registration>> {
  declare studentId: number;
  declare classId: number;
  declare role: CreationOptional<ClassRole>;
  declare timestamp: CreationOptional<Date>;

  declare student?: NonAttribute<User>;
  declare studyClass?: NonAttribute<StudyClass>;

  static initModel(sequelize: Sequelize): void {
    Registration.init(
      {
        studentId: { type: DataTypes.INTEGER, primaryKey: true },
        classId: { type: DataTypes.INTEGER, primaryKey: true },
        role: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'student' },
        timestamp: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      },
      { sequelize, tableName: 'registrations', modelName: 'Registration' },
    );
  }
}
