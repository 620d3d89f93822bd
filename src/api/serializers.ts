import { Comment, Permission, Post, Registration, StudyClass, User } from '../models';
import { noteTitle } from '../services/notes';
import type { ClassJsonT, CommentJsonT, PostJsonT, StudentJsonT, TagJsonT, UserJsonT } from './schemas';

// Flasky's to_json methods. URLs are relative, timestamps HTTP dates in GMT.

export const urls = {
  post: (id: number) => `/api/v1/posts/${id}`,
  postComments: (id: number) => `/api/v1/posts/${id}/comments/`,
  user: (id: number) => `/api/v1/users/${id}`,
  userPosts: (id: number) => `/api/v1/users/${id}/posts/`,
  timeline: (id: number) => `/api/v1/users/${id}/timeline/`,
  comment: (id: number) => `/api/v1/comments/${id}`,
  studyClass: (id: number) => `/api/v1/classes/${id}`,
  classStudents: (id: number) => `/api/v1/classes/${id}/students/`,
  classPosts: (id: number) => `/api/v1/classes/${id}/posts/`,
  userClasses: (id: number) => `/api/v1/users/${id}/classes/`,
  tagPosts: (name: string) => `/api/v1/tags/${encodeURIComponent(name)}/posts/`,
};

const httpDate = (date: Date) => new Date(date).toUTCString();

/** A post as a model instance or as a listing item (services/posts.ts). */
type PostLike = Pick<Post, 'id' | 'body' | 'bodyHtml' | 'timestamp' | 'authorId' | 'classId' | 'commentCount' | 'tagNames'> & { title: string | null };

/** `post.commentCount` and `post.tagNames` must be set (one grouped query each per page, see pagination.ts). */
export function postJson(post: PostLike): PostJsonT {
  return {
    url: urls.post(post.id),
    body: post.body,
    body_html: post.bodyHtml ?? '',
    timestamp: httpDate(post.timestamp),
    author_url: urls.user(post.authorId),
    comments_url: urls.postComments(post.id),
    comment_count: post.commentCount ?? 0,
    class_url: post.classId ? urls.studyClass(post.classId) : null,
    title: noteTitle(post),
    tags: post.tagNames ?? [],
  };
}

export function tagJson(name: string, postCount: number): TagJsonT {
  return { name, posts_url: urls.tagPosts(name), post_count: postCount };
}

export function userJson(user: User, postCount: number): UserJsonT {
  return {
    url: urls.user(user.id),
    username: user.username,
    member_since: httpDate(user.memberSince),
    last_seen: httpDate(user.lastSeen),
    posts_url: urls.userPosts(user.id),
    followed_posts_url: urls.timeline(user.id),
    post_count: postCount,
  };
}

/** A disabled comment's text is hidden from readers who cannot moderate (upstream leaks it). */
export function commentJson(comment: Comment, reader: User): CommentJsonT {
  const disabled = comment.disabled === true;
  const hidden = disabled && !reader.can(Permission.MODERATE);
  return {
    url: urls.comment(comment.id),
    post_url: urls.post(comment.postId),
    body: hidden ? '' : comment.body,
    body_html: hidden ? '' : (comment.bodyHtml ?? ''),
    timestamp: httpDate(comment.timestamp),
    author_url: urls.user(comment.authorId),
    disabled,
  };
}

/** `klass.memberCount` must be set; the join code only for those who manage the class. */
export function classJson(klass: StudyClass, manager: boolean): ClassJsonT {
  return {
    url: urls.studyClass(klass.id),
    name: klass.name,
    slug: klass.slug,
    description: klass.description ?? '',
    description_html: klass.descriptionHtml ?? '',
    visibility: klass.visibility,
    teacher_url: urls.user(klass.teacherId),
    students_url: urls.classStudents(klass.id),
    posts_url: urls.classPosts(klass.id),
    member_count: klass.memberCount ?? 0,
    created_at: httpDate(klass.createdAt),
    ...(manager && klass.isPrivate && klass.joinCode ? { join_code: klass.joinCode } : {}),
  };
}

/** A registration, with `student` loaded. */
export function studentJson(registration: Registration): StudentJsonT {
  return {
    user_url: urls.user(registration.studentId),
    username: registration.student?.username ?? '',
    role: registration.role,
    registered: httpDate(registration.timestamp),
  };
}
