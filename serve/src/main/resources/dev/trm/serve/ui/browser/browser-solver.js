// The page's side of the in-browser mode: a Web Worker (solver-worker.js) runs the recursion, so the
// page stays responsive; this class loads a model into it and turns its messages into the same
// events the server's step stream sends ("step", "solution").
export { POLICIES, EFFORTS } from "./recursion.js";

export class BrowserSolver {
  constructor() {
    this.worker = new Worker(new URL("./solver-worker.js", import.meta.url), { type: "module" });
    this.pending = null; // { id, resolve, reject, onEvent } of the load or solve under way
    this.nextId = 1;
    this.loaded = null; // what was loaded: a URL, or a picked file's name
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onerror = (e) => this.settle(null, new Error(e.message || "the solver's worker failed to start"));
  }

  receive(data) {
    const p = this.pending;
    if (!p || (data.id !== undefined && data.id !== p.id)) return; // a stopped solve's late message
    if (data.type === "step") p.onEvent("step", data);
    else if (data.type === "solution") {
      p.onEvent("solution", { ...data, copies: 1 });
      this.settle(data);
    } else if (data.type === "loaded") this.settle(data);
    else if (data.type === "error") this.settle(null, new Error(data.message));
  }

  settle(value, error) {
    const p = this.pending;
    this.pending = null;
    if (!p) return;
    if (error) p.reject(error);
    else p.resolve(value);
  }

  ask(message, onEvent = () => {}) {
    if (this.pending) return Promise.reject(new Error("the browser solver is busy"));
    const id = message.type === "solve" ? this.nextId++ : undefined;
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject, onEvent };
      this.worker.postMessage({ ...message, id });
    });
  }

  /** Loads a model from a URL (with the server's token, if any) or from bytes; resolves { info, ms }. */
  async load(source, token) {
    const name = source.url ?? source.name;
    // a relative URL is the page's: the worker would read it against its own script's address
    const url = source.url && new URL(source.url, document.baseURI).href;
    const loaded = await this.ask(url ? { type: "load", url, token } : { type: "load", bytes: source.bytes });
    this.loaded = name;
    return loaded;
  }

  /** Solves one puzzle; onEvent(name, data) as the server's stream; an AbortSignal stops it before its next step. */
  solve(puzzle, policy, onEvent, signal) {
    if (this.pending) return Promise.reject(new Error("the browser solver is busy"));
    const run = this.ask({ type: "solve", puzzle, policy }, onEvent);
    const { id } = this.pending;
    signal?.addEventListener("abort", () => {
      this.worker.postMessage({ type: "stop", id }); // the worker ends it before its next step
      if (this.pending?.id === id) this.settle(null, Object.assign(new Error("stopped"), { name: "AbortError" }));
    }, { once: true });
    return run;
  }
}
