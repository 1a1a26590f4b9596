// The Sudoku task in the browser, as the runtime has it: the codec the model's metadata names
// (trm.codec: side, pad, blank_token, digit_offset), the check of a puzzle's givens, and the checker
// that says an answer is a solution (every cell filled, the givens kept, no digit twice in a unit).

const SIDE = 9;
const BOX = 3;
const CELLS = SIDE * SIDE;
const BLANK = 0;

/** The codec parameters of trm.codec ("side=9;pad=0;blank_token=1;digit_offset=1") as numbers. */
export function parseCodec(layout) {
  const codec = Object.fromEntries(layout.split(";").filter(Boolean).map((pair) => {
    const [key, value] = pair.split("=");
    return [key, Number(value)];
  }));
  for (const key of ["side", "blank_token", "digit_offset"]) {
    if (!Number.isInteger(codec[key])) throw new Error(`trm.codec '${layout}' lacks ${key}`);
  }
  if (codec.side !== SIDE) throw new Error(`trm.codec '${layout}': this page solves ${SIDE}x${SIDE} Sudoku`);
  return codec;
}

/** An 81-character puzzle (digits, and . or 0 for blanks) as cell values, 0 for blank; throws naming the problem. */
export function parseGrid(text) {
  const line = text.replace(/\s+/g, "");
  if (line.length !== CELLS) throw new Error(`a puzzle is ${CELLS} cells, got ${line.length}`);
  return Array.from(line, (c, i) => {
    if (c === "." || c === "0") return BLANK;
    if (c >= "1" && c <= "9") return Number(c);
    throw new Error(`cell ${i + 1}: '${c}' is not a digit, . or 0`);
  });
}

export function toLine(grid) {
  return grid.map((v) => (v === BLANK ? "." : String(v))).join("");
}

export function encode(grid, codec) {
  return grid.map((v) => (v === BLANK ? codec.blank_token : v + codec.digit_offset));
}

/** Tokens back to cell values: the blank and pad tokens (and anything below) are blanks. */
export function decode(tokens, codec) {
  return Array.from(tokens, (t) => (t <= codec.blank_token ? BLANK : t - codec.digit_offset));
}

/** The cells of each of the 27 units: rows, columns, boxes. */
const UNITS = (() => {
  const units = [];
  for (let u = 0; u < SIDE; u++) {
    const row = [];
    const column = [];
    const box = [];
    for (let k = 0; k < SIDE; k++) {
      row.push(u * SIDE + k);
      column.push(k * SIDE + u);
      const r = Math.floor(u / BOX) * BOX + Math.floor(k / BOX);
      const c = (u % BOX) * BOX + (k % BOX);
      box.push(r * SIDE + c);
    }
    units.push(row, column, box);
  }
  return units;
})();

/** Whether no digit appears twice in a row, column or box (blanks ignored). */
export function isConsistent(grid) {
  return UNITS.every((unit) => {
    const seen = new Set();
    for (const cell of unit) {
      const v = grid[cell];
      if (v === BLANK) continue;
      if (seen.has(v)) return false;
      seen.add(v);
    }
    return true;
  });
}

/** Whether the answer solves the question: every cell filled, every given kept, no conflict. */
export function isSolution(question, answer) {
  for (let i = 0; i < CELLS; i++) {
    if (answer[i] === BLANK) return false;
    if (question[i] !== BLANK && question[i] !== answer[i]) return false;
  }
  return isConsistent(answer);
}
