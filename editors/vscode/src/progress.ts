// Server-initiated work-done progress (window/workDoneProgress/create).
//
// vscode-languageclient shows every server-created progress in the status bar
// (ProgressLocation.Window), where it cannot be cancelled. A deploy needs a
// notification with a Cancel button, so the extension takes over the create
// request: while a deploy is in flight, the deploy's progress token is routed
// to the deploy notification (Cancel → window/workDoneProgress/cancel), and
// every other token (indexing, …) gets the same status-bar progress as before.
import * as vscode from 'vscode';
import {
  LanguageClient,
  ProgressToken,
  WorkDoneProgress,
  WorkDoneProgressBegin,
  WorkDoneProgressCancelNotification,
  WorkDoneProgressCreateRequest,
  WorkDoneProgressReport,
} from 'vscode-languageclient/node';

/** Receives the progress of one deploy; implemented by the deploy command. */
export interface ProgressSink {
  begin(value: WorkDoneProgressBegin): void;
  report(value: WorkDoneProgressReport): void;
  end(message: string | undefined): void;
  /** Called once, with a function that asks the server to cancel this token. */
  bind(cancel: () => void): void;
}

export class ProgressRouter implements vscode.Disposable {
  private sink: ProgressSink | undefined;
  private sinkBound = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly client: LanguageClient) {}

  /** Must be called after every client start (the client re-installs its own handler on start). */
  install(): void {
    this.client.onRequest(WorkDoneProgressCreateRequest.type, (params) => this.onCreate(params.token));
  }

  /** Routes the next deploy progress to `sink` until the returned disposable is disposed. */
  captureDeploy(sink: ProgressSink): vscode.Disposable {
    this.sink = sink;
    this.sinkBound = false;
    return new vscode.Disposable(() => {
      if (this.sink === sink) {
        this.sink = undefined;
        this.sinkBound = false;
      }
    });
  }

  private onCreate(token: ProgressToken): void {
    let window: WindowProgress | undefined;
    let sink: ProgressSink | undefined;
    const sub = this.client.onProgress(WorkDoneProgress.type, token, (value) => {
      switch (value.kind) {
        case 'begin': {
          const s = this.sink;
          const looksLikeDeploy =
            /deploy/i.test(String(token)) || /deploy/i.test(value.title) || value.cancellable === true;
          if (s && !this.sinkBound && looksLikeDeploy) {
            this.sinkBound = true;
            sink = s;
            sink.bind(() => void this.client.sendNotification(WorkDoneProgressCancelNotification.type, { token }));
            sink.begin(value);
          } else {
            window = new WindowProgress(this.client, token, value);
          }
          break;
        }
        case 'report':
          sink?.report(value);
          window?.report(value);
          break;
        case 'end':
          sink?.end(value.message);
          window?.done();
          sub.dispose();
          break;
      }
    });
    this.disposables.push(sub);
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
    this.disposables.length = 0;
  }
}

/** Status-bar progress, as vscode-languageclient shows it. */
class WindowProgress {
  private reported = 0;
  private progress: vscode.Progress<{ message?: string; increment?: number }> | undefined;
  private resolve: (() => void) | undefined;
  private finished = false;

  constructor(client: LanguageClient, token: ProgressToken, begin: WorkDoneProgressBegin) {
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: begin.title, cancellable: begin.cancellable },
      (progress, cancel) => {
        if (this.finished) return Promise.resolve();
        this.progress = progress;
        cancel.onCancellationRequested(
          () => void client.sendNotification(WorkDoneProgressCancelNotification.type, { token }),
        );
        this.report(begin);
        return new Promise<void>((r) => (this.resolve = r));
      },
    );
  }

  report(value: { message?: string; percentage?: number }): void {
    const pct = typeof value.percentage === 'number' ? Math.max(0, Math.min(100, value.percentage)) : undefined;
    const increment = pct === undefined ? undefined : Math.max(0, pct - this.reported);
    if (pct !== undefined) this.reported = Math.max(this.reported, pct);
    this.progress?.report({ message: value.message, increment });
  }

  done(): void {
    this.finished = true;
    this.resolve?.();
  }
}
