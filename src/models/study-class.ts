import { CreationOptional, DataTypes, ForeignKey, InferAttributes, InferCreationAttributes, Model, NonAttribute, Sequelize } from 'sequelize';
import type { User } from './user';

/** A class (study group) that students register for. Table `classes`. */
export class StudyClass extends Model<InferAttributes<StudyClass>, InferCreationAttributes<StudyClass>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare slug: string;
  declare description: CreationOptional<string | null>;
  declare descriptionHtml: CreationOptional<string | null>;
  declare visibility: CreationOptional<'public' | 'private'>;
  declare teacherId: ForeignKey<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  declare teacher?: NonAttribute<User>;

  static initModel(sequelize: Sequelize): void {
    StudyClass.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        name: { type: DataTypes.STRING(128), allowNull: false },
        slug: { type: DataTypes.STRING(128), allowNull: false, unique: true },
        description: { type: DataTypes.TEXT, allowNull: true },
        descriptionHtml: { type: DataTypes.TEXT, allowNull: true },
        visibility: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'public' },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'classes', modelName: 'StudyClass', timestamps: true },
    );
  }
}

/** The association between students and classes. */
export class Registration extends Model<InferAttributes<Registration>, InferCreationAttributes<Registration>> {
  declare studentId: number;
  declare classId: number;
  declare role: CreationOptional<'student' | 'assistant'>;
  declare timestamp: CreationOptional<Date>;

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
