import fs from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config';
import type { AppDeps } from '../deps';
import { CORPORA, isCorpus, loadCorpus, type CorpusName } from '../ml/corpora';
import type { LabelledText } from '../ml/moderation';
import { CommentLabel, ModerationJob } from '../models';
import { compareOptimizers, type OptimizerComparison } from '../services/train-run';

// model:train and model:compare-optimizers: the moderation model from the command line.
// Both store their result in the database, where the servers and /moderate/model find it.

export class ModelCliError extends Error {}

type RunWithDeps = (fn: (deps: AppDeps, config: Config) => Promise<void>) => Promise<void>;

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new ModelCliError(`Not a whole number from 1 to 1000: ${value}`);
  return n;
}

/** The examples to compare on: the moderators' labels, or the SpamAssassin corpus. */
export async function comparisonData(dataset: string): Promise<LabelledText[]> {
  if (dataset === 'spamassassin') return loadCorpus(dataset);
  if (dataset !== 'labels') throw new ModelCliError(`Unknown dataset "${dataset}" (labels or spamassassin).`);
  const { examples } = await CommentLabel.trainingSet();
  const unwanted = examples.filter((e) => e.label === 1).length;
  if (examples.length < 10 || unwanted < 2 || examples.length - unwanted < 2) {
    throw new ModelCliError(
      `Comparing needs at least 10 labelled comments, two of each kind (there are ${examples.length}, ${unwanted} unwanted); label more, or use --dataset spamassassin.`,
    );
  }
  return examples.map((e) => ({ text: e.text, label: e.label }));
}

/** Runs the comparison as a job (so its result is stored like the trainings'). */
export async function runComparison(
  examples: LabelledText[],
  opts: { dataset: string; epochs: number; seed: number },
  onProgress: (stage: string, fraction: number) => void = () => {},
): Promise<{ job: ModerationJob; result: OptimizerComparison }> {
  const job = await ModerationJob.create({ kind: 'compare', status: 'running', stage: 'starting' });
  try {
    const result = compareOptimizers(examples, opts, onProgress);
    await job.finish('done', { result, stage: 'done' });
    return { job, result };
  } catch (err) {
    await job.finish('failed', { message: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}

function printComparison(result: OptimizerComparison): void {
  const at = [1, 5, 10, result.epochs].filter((e, i, all) => e <= result.epochs && all.indexOf(e) === i);
  console.log(`${result.examples} examples (${result.validation} for validation), ${result.epochs} epochs, seed ${result.seed}`);
  console.log(['optimizer'.padEnd(10), 'lr'.padStart(7), ...at.map((e) => `val loss @${e}`.padStart(14))].join(' '));
  for (const s of result.series) {
    console.log([s.optimizer.padEnd(10), String(s.lr).padStart(7), ...at.map((e) => (s.valLoss[e - 1] ?? NaN).toFixed(4).padStart(14))].join(' '));
  }
}

function corpusOption(name: string | undefined): CorpusName | undefined {
  if (name === undefined || isCorpus(name)) return name;
  throw new ModelCliError(`Unknown corpus "${name}" (known: ${CORPORA.join(', ')}).`);
}

export function addModelCommands(program: Command, withDeps: RunWithDeps): void {
  program
    .command('model:train')
    .description('train a new version of the comment-moderation model from the labels and make it the active one')
    .option('--corpus <name>', `also learn from a public labelled corpus (${CORPORA.join(', ')}): a model before the site has labels`)
    .action((opts: { corpus?: string }) =>
      withDeps(async ({ moderation }) => {
        const corpus = corpusOption(opts.corpus);
        if (corpus) console.log(`Loading the ${corpus} corpus…`);
        const { job, started } = await moderation.training.start(null, { corpus }).catch((err: unknown) => {
          throw new ModelCliError(err instanceof Error ? err.message : String(err));
        });
        if (!started) throw new ModelCliError(`A training is already running (job ${job.id}); see /moderate/model.`);
        console.log(`Training (job ${job.id})…`);
        const done = (await moderation.training.wait(job.id))!;
        if (done.status !== 'done') throw new ModelCliError(`Training failed: ${done.message ?? 'unknown error'}`);
        const model = moderation.server.current;
        const m = model?.info.metrics ?? {};
        const fmt = (v: number | null | undefined) => (v == null ? '—' : v.toFixed(3));
        const fromCorpus = model?.info.hyperparameters.corpusLabels;
        console.log(
          `Version ${done.modelVersion} is active: ${model?.info.labels.total ?? 0} labels${corpus ? ` (${fromCorpus} from the ${corpus} corpus)` : ''}.`,
        );
        console.log(`Validation: precision ${fmt(m.precision)}, recall ${fmt(m.recall)}, F1 ${fmt(m.f1)}, ROC-AUC ${fmt(m.auc)}.`);
        console.log('Running servers switch to it within MODERATION_POLL_SECONDS.');
      }),
    );

  program
    .command('model:compare-optimizers')
    .description('validation loss per epoch of the seven optimizers at their default learning rates, for /moderate/model')
    .option('--dataset <name>', 'labels (the moderators\' labels) or spamassassin (the public corpus)', 'labels')
    .option('--epochs <n>', 'epochs per optimizer', positive, 10)
    .option('--seed <n>', 'seed of the validation split and the batches', positive, 1)
    .option('--out <file>', 'also write the result as JSON to this file')
    .action((opts: { dataset: string; epochs: number; seed: number; out?: string }) =>
      withDeps(async () => {
        const examples = await comparisonData(opts.dataset);
        let last = '';
        const { job, result } = await runComparison(examples, opts, (stage) => {
          if (stage !== last) process.stdout.write(`${(last = stage)}… `);
        });
        console.log(`\nStored as job ${job.id}.`);
        printComparison(result);
        if (opts.out) {
          fs.writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
          console.log(`Wrote ${opts.out}.`);
        }
      }),
    );
}
