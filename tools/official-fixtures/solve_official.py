#!/usr/bin/python3
"""Solves Sudoku puzzles with a run folder through the official TRM/HRM code, as its evaluation does.

Reads RUN_DIR/all_config.yaml and the newest RUN_DIR/step_N with torch.load, builds the model class
arch.name names (the official models/ files, unchanged, under torch13_shims), loads the state dict as
pretrain.py's load_checkpoint does (the _orig_mod. prefix is torch.compile's; the model here is not
compiled), and runs the ACT wrapper in eval mode: every puzzle runs all halt_max_steps steps. Prints
one answer per line (81 digits).

  /usr/bin/python3 tools/official-fixtures/solve_official.py /tmp/trm-official RUN_DIR puzzles.txt
"""
import os
import re
import sys

import torch
import yaml

import torch13_shims  # noqa: F401  (must come before the official model files)

COMPILE_PREFIX = "_orig_mod."
SUDOKU_VOCAB = 11
SUDOKU_CELLS = 81


def newest_step(run):
    steps = [f for f in os.listdir(run) if re.fullmatch(r"step_\d+", f)]
    return os.path.join(run, max(steps, key=lambda f: int(f[5:])))


def encode(line):
    # the official Sudoku builder: blank 1, digits 1..9 as 2..10
    return [1 if c in ".0" else int(c) + 1 for c in line.strip()]


def main():
    official, run, puzzles = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    sys.path.insert(0, official)
    os.chdir(official)
    from utils.functions import load_model_class
    from models.losses import ACTLossHead

    with open(os.path.join(run, "all_config.yaml")) as f:
        config = yaml.safe_load(f)
    state = torch.load(newest_step(run), map_location="cpu")
    state = {k[len(COMPILE_PREFIX):] if k.startswith(COMPILE_PREFIX) else k: v for k, v in state.items()}
    lines = [l for l in open(puzzles).read().split() if len(l) == SUDOKU_CELLS]
    arch = config["arch"]
    model_cfg = {k: v for k, v in arch.items() if k not in ("name", "loss")}
    model_cfg.update(batch_size=len(lines), vocab_size=SUDOKU_VOCAB, seq_len=SUDOKU_CELLS,
                     num_puzzle_identifiers=state["model.inner.puzzle_emb.weights"].shape[0], causal=False)
    model = ACTLossHead(load_model_class(arch["name"])(model_cfg), loss_type=arch["loss"]["loss_type"])
    model.load_state_dict(state)
    model.eval()
    inner = model.model
    batch = dict(inputs=torch.tensor([encode(l) for l in lines], dtype=torch.int32),
                 labels=torch.zeros(len(lines), SUDOKU_CELLS, dtype=torch.int32),
                 puzzle_identifiers=torch.zeros(len(lines), dtype=torch.int64))  # torch 1.13 indexes with int64 only
    with torch.no_grad():
        carry = inner.initial_carry(batch)
        for _ in range(arch["halt_max_steps"]):
            carry, outputs = inner(carry=carry, batch=batch)
    for row in outputs["logits"].argmax(-1):
        print("".join(str(int(t) - 1) for t in row))


if __name__ == "__main__":
    main()
