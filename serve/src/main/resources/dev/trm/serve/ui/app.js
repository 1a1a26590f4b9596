// The page: wires the board, the controls and the step stream; keeps the run for the replay slider.
import { Board } from "./board.js";
import { solveStream, getJson } from "./stream.js";

const EXAMPLES = {
  everyday: ".8.1.....16.9785...9...2.8161..5..93.2.....7.....8....246.9....35.6...47.7..356..",
  hard: "98.76.5..7..5...9...5...6..4....3....7......9..897..6..2......3..738..5.......1..",
};
const TOKEN_KEY = "trm-token";
const $ = (id) => document.getElementById(id);

const board = new Board($("board"));
let history = [];
let running = null;

function status(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

function token() {
  return $("token").value || sessionStorage.getItem(TOKEN_KEY) || "";
}

function needToken() {
  $("token-row").hidden = false;
  $("token").focus();
  status("This server needs a token: type it, then try again.", true);
}

async function loadModels() {
  try {
    const { models } = await getJson("/v1/models", token());
    const select = $("model");
    select.replaceChildren(...models.map((m) => new Option(`${m.name} (${m.task})`, m.name)));
    select.dataset.tasks = JSON.stringify(Object.fromEntries(models.map((m) => [m.name, m.task])));
  } catch (e) {
    if (e.status === 401) needToken();
    else status(`Could not list the models: ${e.message}`, true);
  }
}

function show(step) {
  board.drawStep(step.answer, step.changed, step.confidence);
  $("step").textContent = step.step;
  $("halt").value = step.halt_probability;
  $("halt-value").textContent = step.halt_probability.toFixed(3);
}

function onEvent(run, name, data) {
  if (running !== run) return; // a run stopped or replaced
  if (name === "step") {
    run.copies.add(data.copy);
    $("copies").textContent = run.copies.size;
    if (data.copy === 0) {
      history.push(data);
      show(data);
    }
  } else if (name === "solution") {
    const verdict = data.solved_by === "exact" ? "fallback: the exact solver finished it"
      : data.solved ? "verified" : "unverified";
    board.drawStep(data.answer, [], null);
    $("result").textContent = `${verdict}, ${data.steps} steps, ${data.copies} ${data.copies === 1 ? "copy" : "copies"}`;
    status(`${verdict[0].toUpperCase()}${verdict.slice(1)} in ${Math.round(performance.now() - run.t0)} ms.`);
  } else if (name === "error") {
    status(`The server says: ${data.error}`, true);
  }
}

async function solve() {
  const tasks = JSON.parse($("model").dataset.tasks || "{}");
  const model = $("model").value;
  if (model && tasks[model] && tasks[model] !== "sudoku") {
    status(`This page draws Sudoku models; ${model} is a ${tasks[model]} model (use POST /v1/solve).`, true);
    return;
  }
  stop();
  history = [];
  $("replay").disabled = true;
  $("result").textContent = "-";
  const run = { abort: new AbortController(), copies: new Set(), t0: performance.now() };
  running = run;
  const puzzle = board.puzzle();
  board.setPuzzle(puzzle);
  status("Thinking...");
  if ($("token").value) sessionStorage.setItem(TOKEN_KEY, $("token").value);
  try {
    const body = { puzzles: [puzzle], effort: $("effort").value };
    if (model) body.model = model;
    await solveStream(body, token(), (name, data) => onEvent(run, name, data), run.abort.signal);
  } catch (e) {
    if (e.name === "AbortError") return;
    if (e.status === 401) needToken();
    else status(`The server says: ${e.message}`, true);
  }
  if (running !== run) return;
  if (history.length > 0) {
    $("replay").max = history.length;
    $("replay").value = history.length;
    $("replay").disabled = false;
    $("replay-step").textContent = history.length;
  }
}

$("solve").addEventListener("click", solve);
function stop() {
  if (running) running.abort.abort(); // closes the stream: the server takes the puzzle out of its batch
  running = null;
}

$("clear").addEventListener("click", () => {
  stop();
  board.clear();
  history = [];
  $("replay").disabled = true;
  status("Ready.");
});
$("load").addEventListener("click", () => {
  if (board.setPuzzle($("paste").value)) status("Ready.");
  else status("A puzzle is 81 characters: digits 1-9, and . or 0 for blanks.", true);
});
$("example").addEventListener("change", () => {
  const text = EXAMPLES[$("example").value];
  if (text) {
    board.setPuzzle(text);
    $("paste").value = text;
    if ($("example").value === "hard") $("effort").value = "max";
  }
});
$("replay").addEventListener("input", () => {
  const step = history[$("replay").value - 1];
  if (step) {
    show(step);
    $("replay-step").textContent = step.step;
  }
});
$("token").addEventListener("change", loadModels);
window.addEventListener("pagehide", stop);
board.cells[0].focus();
loadModels();
