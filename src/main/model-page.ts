import type { Request, Response } from 'express';
import type { Config } from '../config';
import { CommentLabel, ModerationJob, ModerationModelRecord } from '../models';
import type { ModelCurves } from '../models/moderation';
import type { Moderation } from '../services/moderation-model';
import { TrainingError } from '../services/training';
import type { OptimizerComparison } from '../services/train-run';
import { lineChart, type Series } from '../web/svg-chart';

// /moderate/model, for moderators: the served model's validation metrics, the labels
// moderators gave over time, its learning curve and training history, and the optimizer
// comparison written by `npm run cli -- model:compare-optimizers`, as SVG drawn here.

const DAY_MS = 86_400_000;

function labelsChart(perDay: { day: string; fine: number; unwanted: number }[]): string {
  const fine: [number, number][] = [];
  const unwanted: [number, number][] = [];
  let f = 0;
  let u = 0;
  for (const d of perDay) {
    const x = Math.round(Date.parse(`${d.day}T00:00:00Z`) / DAY_MS);
    fine.push([x, (f += d.fine)]);
    unwanted.push([x, (u += d.unwanted)]);
  }
  return lineChart(
    [
      { name: 'fine', points: fine },
      { name: 'unwanted', points: unwanted },
    ],
    {
      title: 'Labels over time (cumulative)',
      xLabel: 'day (UTC)',
      yLabel: 'labelled comments',
      yInclude: [0],
      integerX: true,
      formatX: (x) => new Date(x * DAY_MS).toISOString().slice(5, 10),
    },
  );
}

function learningChart(curves: ModelCurves | null): string {
  const learning = curves?.learning ?? { labels: [], f1: [], valLoss: [] };
  const points = learning.labels.map((n, i): [number, number] => [n, learning.f1[i]]);
  return lineChart([{ name: 'validation F1', points }], {
    title: 'Learning curve',
    xLabel: 'training labels',
    yLabel: 'F1',
    yInclude: [0, 1],
    integerX: true,
  });
}

function historyChart(curves: ModelCurves | null): string {
  const history = curves?.history ?? [];
  return lineChart(
    [
      { name: 'training loss', points: history.map((h): [number, number] => [h.epoch, h.trainLoss]) },
      { name: 'validation loss', points: history.map((h): [number, number] => [h.epoch, h.valLoss ?? NaN]) },
    ],
    { title: 'Training of the served model', xLabel: 'epoch', yLabel: 'cross-entropy', yInclude: [0], integerX: true },
  );
}

function optimizerChart(comparison: OptimizerComparison | null): string {
  const series: Series[] = (comparison?.series ?? []).map((s) => ({
    name: `${s.optimizer} (lr ${s.lr})`,
    points: s.valLoss.map((v, i): [number, number] => [i + 1, v ?? NaN]),
  }));
  return lineChart(series, { title: 'Optimizers: validation loss per epoch', xLabel: 'epoch', yLabel: 'cross-entropy', integerX: true, height: 340 });
}

export function modelPageHandlers(config: Config, moderation: Moderation) {
  async function modelPage(_req: Request, res: Response) {
    const [active, versions, perDay, counts, trainedUpTo, jobs, compared] = await Promise.all([
      ModerationModelRecord.findOne({ where: { active: true }, attributes: { exclude: ['data'] } }),
      ModerationModelRecord.findAll({ attributes: { exclude: ['data', 'curves'] }, order: [['version', 'DESC']], limit: 10 }),
      CommentLabel.perDay(),
      CommentLabel.classCounts(),
      ModerationJob.trainedUpTo(),
      ModerationJob.findAll({ where: { kind: 'train' }, order: [['id', 'DESC']], limit: 5 }),
      ModerationJob.latestDone('compare'),
    ]);
    const comparison = (compared?.result as OptimizerComparison | undefined) ?? null;
    res.render('moderate_model.html', {
      active,
      versions,
      counts,
      jobs,
      comparison,
      comparedAt: compared?.finishedAt ?? null,
      newLabels: await CommentLabel.countSince(trainedUpTo),
      served: moderation.server.current?.info.version ?? null,
      trusted: moderation.server.trusted(),
      settings: config.moderation,
      // Built by svg-chart.ts, which escapes every text it writes.
      charts: {
        labels: labelsChart(perDay),
        learning: learningChart(active?.curves ?? null),
        history: historyChart(active?.curves ?? null),
        optimizers: optimizerChart(comparison),
      },
    });
  }

  async function train(req: Request, res: Response) {
    try {
      const { job, started } = await moderation.training.start(req.user!.id);
      req.flash(started ? `Training started (job ${job.id}).` : `A training is already running (job ${job.id}).`);
    } catch (err) {
      if (!(err instanceof TrainingError)) throw err;
      req.flash(err.message);
    }
    res.redirect('/moderate/model');
  }

  return { modelPage, train };
}
