import type { Request, Response } from 'express';
import { Op, QueryTypes } from 'sequelize';
import type { Config } from '../config';
import { Comment, Follow, Role, User } from '../models';
import { pagePosts } from '../services/posts';
import { and, visibleComments } from '../services/visibility';
import { FieldErrors, parseForm } from '../web/forms';
import { notFound } from '../web/http-error';
import { Pagination, pageParam } from '../web/pagination';
import { editProfileAdminForm, editProfileForm } from './forms';
import { parseId, viewerOf } from './params';
import { classesOf } from '../services/classes';

// Profiles, profile editing, following.

/** A profile's follow figures in one query: followers and followed (the self-follow aside), and both ways between it and the viewer. */
async function followFigures(userId: number, viewerId: number | null) {
  const [row] = await Follow.sequelize!.query<Record<string, number | string>>(
    `SELECT (SELECT COUNT(*) FROM follows WHERE followed_id = :user AND follower_id <> :user) AS followers,
            (SELECT COUNT(*) FROM follows WHERE follower_id = :user AND followed_id <> :user) AS following,
            (SELECT COUNT(*) FROM follows WHERE follower_id = :viewer AND followed_id = :user) AS is_following,
            (SELECT COUNT(*) FROM follows WHERE follower_id = :user AND followed_id = :viewer) AS follows_you`,
    { type: QueryTypes.SELECT, replacements: { user: userId, viewer: viewerId } },
  );
  return { followers: Number(row.followers), following: Number(row.following), isFollowing: Number(row.is_following) > 0, followsYou: Number(row.follows_you) > 0 };
}

export function peopleHandlers(config: Config) {
  async function userOr404(username: unknown): Promise<User> {
    const user = typeof username === 'string' ? await User.findOne({ where: { username } }) : null;
    if (!user) throw notFound();
    return user;
  }

  async function profile(req: Request, res: Response) {
    const user = await userOr404(req.params.username);
    const me = req.user;
    const viewer = viewerOf(req);
    const comments = await visibleComments(viewer);
    const [pagination, commentCount, follows, classes] = await Promise.all([
      pagePosts({ authorId: user.id, viewer }, pageParam(req.query.page), config.postsPerPage),
      Comment.count({ where: and({ authorId: user.id }, comments) }),
      followFigures(user.id, me?.id ?? null),
      classesOf(user, viewer),
    ]);
    const { followers, following, isFollowing, followsYou } = follows;
    // The listing's total is the user's post count (the same filter).
    res.render('user.html', { user, posts: pagination.items, pagination, postCount: pagination.total, commentCount, followers, following, isFollowing, followsYou, classes });
  }

  async function editProfile(req: Request, res: Response) {
    const user = req.user!;
    if (req.method === 'GET') {
      return res.render('edit_profile.html', { form: { name: user.name, location: user.location, about_me: user.aboutMe }, errors: {} });
    }
    const parsed = parseForm(editProfileForm, req.body);
    if (!parsed.ok) return res.render('edit_profile.html', { form: req.body, errors: parsed.errors });
    const { name, location, about_me } = parsed.data;
    await user.update({ name: name || null, location: location || null, aboutMe: about_me || null });
    req.flash('Your profile has been updated.');
    res.redirect(`/user/${encodeURIComponent(user.username)}`);
  }

  async function editProfileAdmin(req: Request, res: Response) {
    const user = await User.findByPk(parseId(req.params.id));
    if (!user) throw notFound();
    const roles = await Role.findAll({ order: [['name', 'ASC']] });
    const render = (form: unknown, errors: FieldErrors) => res.render('edit_profile_admin.html', { user, roles, form, errors });
    if (req.method === 'GET') {
      const { email, username, confirmed, roleId: role, name, location, aboutMe: about_me } = user;
      return render({ email, username, confirmed, role, name, location, about_me }, {});
    }
    const parsed = parseForm(editProfileAdminForm, req.body);
    const errors: FieldErrors = parsed.ok ? {} : parsed.errors;
    if (parsed.ok) {
      const { email, username, role } = parsed.data;
      if (email !== user.email && (await User.findOne({ where: { email } }))) errors.email = ['Email already registered.'];
      if (username !== user.username && (await User.findOne({ where: { username } }))) errors.username = ['Username already in use.'];
      if (!roles.some((r) => r.id === role)) errors.role = ['Not a valid choice.'];
    }
    if (!parsed.ok || Object.keys(errors).length) return render(req.body, errors);
    const { email, username, confirmed, role, name, location, about_me } = parsed.data;
    await user.update({ email, username, confirmed, roleId: role, name: name || null, location: location || null, aboutMe: about_me || null });
    req.flash('The profile has been updated.');
    res.redirect(`/user/${encodeURIComponent(user.username)}`);
  }

  /** Follow and unfollow: GET shows a confirmation form (old links keep working), POST acts. */
  function followAction(kind: 'follow' | 'unfollow') {
    return async (req: Request, res: Response) => {
      const user = typeof req.params.username === 'string' ? await User.findOne({ where: { username: req.params.username } }) : null;
      if (!user) {
        req.flash('Invalid user.');
        return res.redirect('/');
      }
      if (req.method === 'GET') {
        return res.render('confirm_action.html', { title: `${kind === 'follow' ? 'Follow' : 'Unfollow'} ${user.username}`, action: req.originalUrl, label: kind === 'follow' ? 'Follow' : 'Unfollow' });
      }
      const me = req.user!;
      const following = await me.isFollowing(user);
      const back = `/user/${encodeURIComponent(user.username)}`;
      if (kind === 'follow' && following) req.flash('You are already following this user.');
      else if (kind === 'unfollow' && !following) req.flash('You are not following this user.');
      else if (kind === 'follow') {
        await me.follow(user);
        req.flash(`You are now following ${user.username}.`);
      } else {
        await me.unfollow(user);
        req.flash(`You are not following ${user.username} anymore.`);
      }
      res.redirect(back);
    };
  }

  /** Followers and followed lists: 50 a page, the user itself left out. */
  function followList(kind: 'followers' | 'followed_by') {
    return async (req: Request, res: Response) => {
      const user = typeof req.params.username === 'string' ? await User.findOne({ where: { username: req.params.username } }) : null;
      if (!user) {
        req.flash('Invalid user.');
        return res.redirect('/');
      }
      const [mine, other, otherAs] = kind === 'followers' ? (['followedId', 'followerId', 'follower'] as const) : (['followerId', 'followedId', 'followedUser'] as const);
      const where = { [mine]: user.id, [other]: { [Op.ne]: user.id } };
      const page = pageParam(req.query.page);
      const perPage = config.followersPerPage;
      const total = await Follow.count({ where });
      const rows = await Follow.findAll({
        where,
        include: [{ model: User, as: otherAs }],
        order: [['timestamp', 'DESC']],
        limit: perPage,
        offset: (Math.max(page, 1) - 1) * perPage,
      });
      const follows = rows.map((f) => ({ user: f[otherAs]!, timestamp: f.timestamp }));
      const title = kind === 'followers' ? `Followers of ${user.username}` : `Followed by ${user.username}`;
      res.render('followers.html', { user, title, endpoint: `/${kind}/${encodeURIComponent(user.username)}`, follows, pagination: new Pagination(follows, Math.max(page, 1), perPage, total) });
    };
  }

  return { profile, editProfile, editProfileAdmin, followAction, followList };
}
