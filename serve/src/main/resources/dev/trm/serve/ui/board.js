// The 9x9 board: 81 inputs the person types into, and the drawing of one step of the model's answer.
const SIZE = 9;
const BOX = 3;
const CELLS = SIZE * SIZE;
const BLANKS = ".0";

export class Board {
  constructor(element) {
    this.element = element;
    this.cells = [];
    this.givens = "".padEnd(CELLS, ".");
    for (let i = 0; i < CELLS; i++) {
      const cell = document.createElement("input");
      const row = Math.floor(i / SIZE), col = i % SIZE;
      cell.inputMode = "numeric";
      cell.maxLength = 1;
      cell.autocomplete = "off";
      cell.setAttribute("aria-label", `row ${row + 1} column ${col + 1}`);
      if (col % BOX === BOX - 1 && col < SIZE - 1) cell.classList.add("box-right");
      if (row % BOX === BOX - 1 && row < SIZE - 1) cell.classList.add("box-bottom");
      cell.addEventListener("keydown", (e) => this.#key(e, i));
      cell.addEventListener("input", () => this.#typed(i));
      element.appendChild(cell);
      this.cells.push(cell);
    }
  }

  /** The puzzle the person entered: 81 characters, '.' for blanks. */
  puzzle() {
    return this.cells.map((c) => (/^[1-9]$/.test(c.value) && c.classList.contains("given") ? c.value : ".")).join("");
  }

  /** Puts a puzzle on the board as givens (81 characters, '.' or '0' for blanks); false if it is not one. */
  setPuzzle(text) {
    const line = text.replace(/\s/g, "");
    if (line.length !== CELLS || ![...line].every((ch) => /[1-9]/.test(ch) || BLANKS.includes(ch))) return false;
    this.givens = [...line].map((ch) => (BLANKS.includes(ch) ? "." : ch)).join("");
    this.cells.forEach((cell, i) => {
      const g = this.givens[i];
      cell.value = g === "." ? "" : g;
      cell.className = cell.className.replace(/\b(given|changed)\b/g, "").trim();
      if (g !== ".") cell.classList.add("given");
      cell.style.background = "";
    });
    return true;
  }

  /** Draws one step: the answer's digits where the puzzle is blank, changed cells marked, unsure cells shaded. */
  drawStep(answer, changed, confidence) {
    const moved = new Set(changed || []);
    this.cells.forEach((cell, i) => {
      if (this.givens[i] !== ".") return;
      cell.value = answer[i];
      cell.classList.toggle("changed", moved.has(i));
      const unsure = confidence ? 1 - confidence[i] : 0;
      cell.style.background = unsure > 0.02 ? `rgba(var(--unsure), ${Math.min(0.85, unsure).toFixed(3)})` : "";
    });
  }

  /** The 81 characters on the board now (blanks as '.'). */
  shown() {
    return this.cells.map((c) => (/^[1-9]$/.test(c.value) ? c.value : ".")).join("");
  }

  clear() {
    this.setPuzzle("".padEnd(CELLS, "."));
  }

  #typed(i) {
    const cell = this.cells[i];
    const v = cell.value.slice(-1);
    cell.value = /[1-9]/.test(v) ? v : "";
    cell.classList.toggle("given", cell.value !== "");
    cell.classList.remove("changed");
    cell.style.background = "";
    this.givens = this.puzzle();
    if (cell.value) this.#focus(i + 1);
  }

  #key(e, i) {
    const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -SIZE, ArrowDown: SIZE };
    if (e.key in moves) {
      e.preventDefault();
      this.#focus(i + moves[e.key]);
    } else if (e.key === "Backspace" || e.key === "Delete" || e.key === "0" || e.key === ".") {
      e.preventDefault();
      this.cells[i].value = "";
      this.#typed(i);
    }
  }

  #focus(i) {
    if (i >= 0 && i < CELLS) this.cells[i].focus();
  }
}
