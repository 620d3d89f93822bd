// The training worker thread's entry point: trains on the labels it is given, reporting
// progress, and hands the model back. It touches no database; training.ts stores the result.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { runTraining, type TrainOutcome, type TrainRequest } from './train-run';

export type WorkerMessage =
  | { type: 'progress'; stage: string; progress: number }
  | ({ type: 'done' } & TrainOutcome)
  | { type: 'error'; message: string };

if (!isMainThread && parentPort) {
  const port = parentPort;
  try {
    const outcome = runTraining(workerData as TrainRequest, (stage, progress) => port.postMessage({ type: 'progress', stage, progress } satisfies WorkerMessage));
    port.postMessage({ type: 'done', ...outcome } satisfies WorkerMessage, [outcome.scores.buffer as ArrayBuffer]);
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies WorkerMessage);
  }
}
