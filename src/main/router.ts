import { Router } from 'express';
import type { Config } from '../config';
import { Permission } from '../models';
import type { RelatedNotes } from '../services/related';
import type { Moderation } from '../services/moderation-model';
import { freshLoginRequired, loginRequired, requireAdmin, requirePermission } from '../web/guards';
import { classHandlers } from './classes';
import { modelPageHandlers } from './model-page';
import { moderationHandlers } from './moderation';
import { peopleHandlers } from './people';
import { postHandlers } from './posts';
import { searchHandlers } from './search';
import { tagHandlers } from './tags';

export interface MainDeps {
  config: Config;
  related: RelatedNotes;
  moderation: Moderation;
}

// Flasky's main blueprint, mounted at /. State changes are POSTs with a CSRF
// token; the upstream GET URLs of actions answer with a form that POSTs.
//   GET  /                          index
//   POST /                          createPost         (WRITE; others just see the page)
//   GET|POST /all                   loginRequired      showFollowed('')
//   GET|POST /followed              loginRequired      showFollowed('1')
//   GET  /user/:username                               profile
//   GET|POST /edit-profile          loginRequired      editProfile
//   GET|POST /edit-profile/:id      ADMIN, fresh       editProfileAdmin
//   GET  /post/:id                                     postPage
//   POST /post/:id                  loginRequired      createComment (COMMENT)
//   GET|POST /edit/:id              loginRequired      editPost (author or ADMIN)
//   GET|POST /follow/:username      FOLLOW             follow
//   GET|POST /unfollow/:username    FOLLOW             unfollow
//   GET  /followers/:username                          followers
//   GET  /followed_by/:username                        followedBy
//   GET  /tag/:name                                    tags.tagPage        (visible notes with the tag; redirects to the normalised name)
//   GET  /search                                       search.search       (?q=&page=; a junk query is a form error)
//   GET  /classes                                      classes.list
//   GET|POST /classes/new           WRITE              classes.create
//   POST /classes/join              loginRequired      classes.join        (by join code)
//   GET  /class/:slug                                  classes.show        (private: members only, else 404)
//   GET|POST /class/:slug/edit      teacher or ADMIN   classes.edit
//   POST /class/:slug/delete        teacher or ADMIN   classes.remove
//   POST /class/:slug/register      loginRequired      classes.register    (public classes)
//   POST /class/:slug/leave         loginRequired      classes.leave
//   POST /class/:slug/members       teacher or ADMIN   classes.invite      (add by username, or set role)
//   POST /class/:slug/members/:username/remove  teacher or ADMIN  classes.dismiss
//   POST /class/:slug/join-code     teacher or ADMIN   classes.rotateCode
//   GET  /moderate                  MODERATE/assistant moderate       (?view=queue|likely|all)
//   GET|POST /moderate/approve/:id  MODERATE/assistant approve        (label: fine)
//   GET|POST /moderate/enable/:id   MODERATE/assistant enable         (label: fine)
//   GET|POST /moderate/disable/:id  MODERATE/assistant disable        (label: unwanted)
//   GET  /moderate/model            MODERATE           model.modelPage
//   POST /moderate/model/train      MODERATE           model.train
export function createMainRouter({ config, moderation: moderationModel, related }: MainDeps): Router {
  const router = Router();
  const posts = postHandlers(config, related);
  const people = peopleHandlers(config);
  const moderation = moderationHandlers(config);
  const model = modelPageHandlers(config, moderationModel);
  const classes = classHandlers(config);
  const tags = tagHandlers(config);
  const search = searchHandlers(config, related);
  const follow = requirePermission(Permission.FOLLOW);

  router.get('/', posts.index);
  router.post('/', posts.createPost);
  router.route('/all').all(loginRequired).get(posts.showFollowed('')).post(posts.showFollowed(''));
  router.route('/followed').all(loginRequired).get(posts.showFollowed('1')).post(posts.showFollowed('1'));
  router.get('/user/:username', people.profile);
  router.route('/edit-profile').all(loginRequired).get(people.editProfile).post(people.editProfile);
  router.route('/edit-profile/:id').all(requireAdmin, freshLoginRequired).get(people.editProfileAdmin).post(people.editProfileAdmin);
  router.get('/post/:id', posts.postPage);
  router.post('/post/:id', loginRequired, posts.createComment);
  router.route('/edit/:id').all(loginRequired).get(posts.editPost).post(posts.editPost);
  router.route('/follow/:username').all(follow).get(people.followAction('follow')).post(people.followAction('follow'));
  router.route('/unfollow/:username').all(follow).get(people.followAction('unfollow')).post(people.followAction('unfollow'));
  router.get('/followers/:username', people.followList('followers'));
  router.get('/followed_by/:username', people.followList('followed_by'));
  router.get('/tag/:name', tags.tagPage);
  router.get('/search', search.search);
  router.get('/classes', classes.list);
  router.route('/classes/new').all(requirePermission(Permission.WRITE)).get(classes.create).post(classes.create);
  router.post('/classes/join', loginRequired, classes.join);
  router.get('/class/:slug', classes.show);
  router.route('/class/:slug/edit').all(loginRequired).get(classes.edit).post(classes.edit);
  router.post('/class/:slug/delete', loginRequired, classes.remove);
  router.post('/class/:slug/register', loginRequired, classes.register);
  router.post('/class/:slug/leave', loginRequired, classes.leave);
  router.post('/class/:slug/members', loginRequired, classes.invite);
  router.post('/class/:slug/members/:username/remove', loginRequired, classes.dismiss);
  router.post('/class/:slug/join-code', loginRequired, classes.rotateCode);
  router.get('/moderate', loginRequired, moderation.moderate);
  router.route('/moderate/approve/:id').all(loginRequired).get(moderation.approve).post(moderation.approve);
  router.route('/moderate/enable/:id').all(loginRequired).get(moderation.enable).post(moderation.enable);
  router.route('/moderate/disable/:id').all(loginRequired).get(moderation.disable).post(moderation.disable);
  router.get('/moderate/model', requirePermission(Permission.MODERATE), model.modelPage);
  router.post('/moderate/model/train', requirePermission(Permission.MODERATE), model.train);
  return router;
}
