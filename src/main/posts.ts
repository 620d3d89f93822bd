import type { Request, Response } from 'express';
import type { Config } from '../config';
import { Comment, Permission, Post, User } from '../models';
import { findPostItem, pageComments, pagePosts } from '../services/posts';
import { classesForNotes, classForNote } from '../services/classes';
import { createNote, noteTitle, updateNote, withTags } from '../services/notes';
import type { RelatedNotes } from '../services/related';
import { canSee } from '../services/visibility';
import { parseForm } from '../web/forms';
import { forbidden, notFound } from '../web/http-error';
import { Pagination, pageParam, resolvePage } from '../web/pagination';
import { commentForm, postForm } from './forms';
import { parseId, viewerOf } from './params';
import { relatedCards } from './search';

const SHOW_FOLLOWED_MAX_AGE = 30 * 86_400_000;

// The index, the post page with its comments, and post editing.

export function postHandlers(config: Config, relatedIndex: RelatedNotes) {
  /** The post, if it exists and the visitor may read it: a private class's note is a 404 to outsiders. */
  async function postOr404(req: Request): Promise<Post> {
    const post = await Post.findByPk(parseId(req.params.id), { include: [{ model: User, as: 'author' }] });
    if (!post || !(await canSee(viewerOf(req), post))) throw notFound();
    return post;
  }

  async function index(req: Request, res: Response, form: Record<string, unknown> = {}, errors = {}) {
    const showFollowed = Boolean(req.user && req.cookies?.show_followed);
    const pagination = await pagePosts({ followedBy: showFollowed ? req.user!.id : undefined, viewer: viewerOf(req) }, pageParam(req.query.page), config.postsPerPage);
    const noteClasses = req.user?.can(Permission.WRITE) ? await classesForNotes(req.user) : [];
    res.render('index.html', { posts: pagination.items, pagination, show_followed: showFollowed, form, errors, noteClasses });
  }

  /** Anonymous or read-only visitors posting to / just see the page, as upstream. */
  async function createPost(req: Request, res: Response) {
    if (!req.user?.can(Permission.WRITE)) return index(req, res);
    const parsed = parseForm(postForm, req.body);
    const classId = parsed.ok ? await classForNote(req.user, parsed.data.class_id) : null;
    if (!parsed.ok || classId === 'invalid') return index(req, res, req.body, parsed.ok ? { class_id: ['Not a valid choice.'] } : parsed.errors);
    const { body, title, tags } = parsed.data;
    await createNote(req.user.id, { body, title, tags, classId });
    res.redirect('/');
  }

  /** /all and /followed: a POST sets the cookie; the old GET links answer with a form. */
  function showFollowed(value: '' | '1') {
    return (req: Request, res: Response) => {
      if (req.method === 'GET') {
        return res.render('confirm_action.html', { title: value ? 'Show followed posts' : 'Show all posts', action: req.originalUrl, label: value ? 'Followed' : 'All' });
      }
      res.cookie('show_followed', value, { maxAge: SHOW_FOLLOWED_MAX_AGE, httpOnly: true, sameSite: 'lax', secure: config.session.secureCookies });
      res.redirect('/');
    };
  }

  async function postPage(req: Request, res: Response, form: Record<string, unknown> = {}, errors = {}) {
    const found = await findPostItem(parseId(req.params.id));
    if (!found || !(await canSee(viewerOf(req), found))) throw notFound();
    // The post page has never shown the class badge the listings show.
    const post = { ...found, studyClass: null };
    const perPage = config.commentsPerPage;
    const at = resolvePage(pageParam(req.query.page), perPage, post.commentCount);
    const comments = await pageComments(post.id, at.offset, perPage);
    const pagination = new Pagination(comments, at.page, perPage, post.commentCount);
    const related = await relatedCards(relatedIndex, post.id, viewerOf(req));
    res.render('post.html', { posts: [post], post, page_title: post.title, related, comments, pagination, form, errors });
  }

  async function createComment(req: Request, res: Response) {
    const post = await postOr404(req);
    if (!req.user!.can(Permission.COMMENT)) throw forbidden();
    const parsed = parseForm(commentForm, req.body);
    if (!parsed.ok) return postPage(req, res, req.body, parsed.errors);
    // The moderation model may hold it for review (auto-hold): then it is created disabled.
    const comment = await Comment.create({ body: parsed.data.body, postId: post.id, authorId: req.user!.id });
    req.flash(comment.disabled ? "Your comment is waiting for a moderator's review." : 'Your comment has been published.');
    res.redirect(`/post/${post.id}?page=-1#comments`);
  }

  async function editPost(req: Request, res: Response) {
    const post = await postOr404(req);
    const me = req.user!;
    if (me.id !== post.authorId && !me.can(Permission.ADMIN)) throw forbidden();
    const author = post.authorId === me.id ? me : await User.findByPk(post.authorId);
    const noteClasses = author ? await classesForNotes(author) : [];
    const render = (form: unknown, errors: object) => res.render('edit_post.html', { post, page_title: noteTitle(post), form, errors, noteClasses });
    if (req.method === 'GET') {
      const [{ tagNames }] = await withTags([post]);
      return render({ body: post.body, class_id: post.classId, title: post.title ?? '', tags: (tagNames ?? []).join(', ') }, {});
    }
    const parsed = parseForm(postForm, req.body);
    const classId = parsed.ok && author ? await classForNote(author, parsed.data.class_id) : null;
    if (!parsed.ok || classId === 'invalid') return render(req.body, parsed.ok ? { class_id: ['Not a valid choice.'] } : parsed.errors);
    const { body, title, tags } = parsed.data;
    await updateNote(post, { body, title, tags, classId });
    req.flash('The post has been updated.');
    res.redirect(`/post/${post.id}`);
  }

  return { index: (req: Request, res: Response) => index(req, res), createPost, showFollowed, postPage: (req: Request, res: Response) => postPage(req, res), createComment, editPost };
}
