#!/usr/bin/python3
"""Golden fixtures from the official TRM code itself (SamsungSAILMontreal/TinyRecursiveModels).

Runs the official model files unchanged (models/recursive_reasoning/trm.py and hrm.py, models/layers.py,
models/sparse_embedding.py, models/losses.py) on CPU under Debian's python3-torch 1.13, on four small
configs none of the toolkit's presets has, and writes for each:

  NAME/run/all_config.yaml    the run's config, laid out as pretrain.py dumps it
  NAME/run/step_N             torch.save of the loss head's state dict under the torch.compile prefix
                              (_orig_mod.model.inner.*), as pretrain.py's save_train_state writes it
  NAME/steps.safetensors      the batch (tokens, puzzle ids) and, for supervision steps 1..STEPS, the
                              official forward's y, z, logits, q_halt, q_continue

The weights are random, including the Q head and the puzzle embedding (the official init zeroes
them). H_init and L_init are stored in bfloat16 where the config's forward_dtype is bfloat16, as the
official code stores them; the outputs are computed in float32 (the precision the toolkit exports) from
exactly the weights in step_N.

torch 1.13 lacks a few things the official code uses; torch13_shims.py stands in for them (nn.Buffer,
F.scaled_dot_product_attention, torch.optim.optimizer.ParamsT, @torch.no_grad without parentheses,
and einops.rearrange for the two patterns layers.py uses). The model files are not edited.

Run (Debian: apt-get install python3-torch python3-pydantic python3-yaml):
  git clone https://github.com/SamsungSAILMontreal/TinyRecursiveModels /tmp/trm-official
  /usr/bin/python3 tools/official-fixtures/make_fixtures.py /tmp/trm-official \
      exporter/src/test/resources/official
"""
import json
import os
import struct
import sys

import torch
import yaml

SEED = 20251203
STEPS = 3
BATCH = 2
SUDOKU_PATH = "data/sudoku-extreme-1k-aug-1000"  # the README's data path: the task is read from it


import torch13_shims  # noqa: F401,E402  (must come before the official model files)


# ---- the four configs ------------------------------------------------------------------------------
def arch(name, **fields):
    base = dict(name=name, loss=dict(name="losses@ACTLossHead", loss_type="stablemax_cross_entropy"),
                halt_exploration_prob=0.1, halt_max_steps=4, expansion=2, rope_theta=10000.0,
                rms_norm_eps=1e-5, forward_dtype="bfloat16", mlp_t=False)
    base.update(fields)
    return base


TRM = "recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1"
HRM = "recursive_reasoning.hrm@HierarchicalReasoningModel_ACTV1"
CONFIGS = {
    # attention with RoPE, 2 layers, a short puzzle prefix
    "trm-att": arch(TRM, H_cycles=2, L_cycles=2, H_layers=0, L_layers=2, hidden_size=32, num_heads=2,
                    puzzle_emb_ndim=32, puzzle_emb_len=4, pos_encodings="rope", no_ACT_continue=True),
    # the MLP mixer (mlp_t), one layer, no positional encoding, fp32 buffers
    "trm-mlp": arch(TRM, H_cycles=2, L_cycles=3, H_layers=0, L_layers=1, hidden_size=32, num_heads=2,
                    puzzle_emb_ndim=32, puzzle_emb_len=2, pos_encodings="none", mlp_t=True,
                    forward_dtype="float32", no_ACT_continue=True),
    # attention with a learned position table; puzzle_emb_len 0 means ceil(ndim / hidden) = 1 row
    "trm-learned": arch(TRM, H_cycles=1, L_cycles=2, H_layers=0, L_layers=2, hidden_size=48, num_heads=3,
                        expansion=4, puzzle_emb_ndim=48, puzzle_emb_len=0, pos_encodings="learned",
                        no_ACT_continue=True),
    # HRM: separate H (2 layers) and L (1 layer) networks
    "hrm": arch(HRM, H_cycles=2, L_cycles=2, H_layers=2, L_layers=1, hidden_size=32, num_heads=2,
                puzzle_emb_ndim=32, pos_encodings="rope"),
}
VOCAB = 11
SEQ_LEN = 81
NUM_PUZZLE_IDS = 3
SAVED_STEP = 1234


def run_config(arch_fields):
    """The all_config.yaml pretrain.py dumps (PretrainConfig.model_dump()), for this architecture."""
    return dict(arch=arch_fields, data_paths=[SUDOKU_PATH], data_paths_test=[], evaluators=[],
                global_batch_size=768, epochs=50000, lr=1e-4, lr_min_ratio=1.0, lr_warmup_steps=2000,
                weight_decay=1.0, beta1=0.9, beta2=0.95, puzzle_emb_lr=1e-4, puzzle_emb_weight_decay=1.0,
                project_name="Sudoku-extreme-1k-aug-1000-ACT-torch", run_name="fixture",
                load_checkpoint=None, checkpoint_path="checkpoints/fixture", seed=0,
                checkpoint_every_eval=False, eval_interval=5000, min_eval_interval=0,
                eval_save_outputs=[], ema=True, ema_rate=0.999, freeze_weights=False)


def model_for(arch_fields, forward_dtype):
    from utils.functions import load_model_class
    from models.losses import ACTLossHead
    cfg = {k: v for k, v in arch_fields.items() if k not in ("name", "loss")}
    cfg.update(batch_size=BATCH, vocab_size=VOCAB, seq_len=SEQ_LEN, num_puzzle_identifiers=NUM_PUZZLE_IDS,
               causal=False, forward_dtype=forward_dtype)
    model = load_model_class(arch_fields["name"])(cfg)
    return ACTLossHead(model, loss_type=arch_fields["loss"]["loss_type"])


def randomize(head, gen):
    """Random values for what the official init leaves at zero or constant: Q head, puzzle table."""
    inner = head.model.inner
    with torch.no_grad():
        inner.q_head.weight.copy_(torch.randn(inner.q_head.weight.shape, generator=gen) * 0.5)
        inner.q_head.bias.copy_(torch.randn(inner.q_head.bias.shape, generator=gen))
        inner.puzzle_emb.weights.copy_(torch.randn(inner.puzzle_emb.weights.shape, generator=gen) * 0.5)


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.contiguous()
        dtype = {torch.float32: "F32", torch.int64: "I64"}[t.dtype]
        raw = t.numpy().tobytes() if hasattr(t, "numpy") else bytes(t.storage())
        header[name] = dict(dtype=dtype, shape=list(t.shape), data_offsets=[offset, offset + len(raw)])
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, sort_keys=True).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def make(name, arch_fields, out_dir, gen):
    run = os.path.join(out_dir, name, "run")
    os.makedirs(run, exist_ok=True)
    # the model as the official code builds it (its dtype, its init), then random heads and table
    head = model_for(arch_fields, arch_fields["forward_dtype"])
    randomize(head, gen)
    state = {"_orig_mod." + k: v for k, v in head.state_dict().items()}
    torch.save(state, os.path.join(run, "step_%d" % SAVED_STEP))
    with open(os.path.join(run, "all_config.yaml"), "wt") as f:
        yaml.dump(run_config(arch_fields), f)

    # the same weights in a float32 model: the outputs the exported step must reproduce
    fp32 = model_for(arch_fields, "float32")
    fp32.load_state_dict({k[len("_orig_mod."):]: v.float() for k, v in state.items()})
    fp32.eval()
    inner = fp32.model.inner
    tokens = torch.randint(1, VOCAB, (BATCH, SEQ_LEN), generator=gen)
    ids = torch.tensor([1, 2][:BATCH])
    batch = dict(inputs=tokens, puzzle_identifiers=ids)
    carry = inner.reset_carry(torch.ones(BATCH, dtype=torch.bool), inner.empty_carry(BATCH))
    out = {"tokens": tokens.long(), "puzzle_ids": ids.long()}
    with torch.no_grad():
        for step in range(1, STEPS + 1):
            carry, logits, (q_halt, q_continue) = inner(carry, batch)
            for key, value in (("y", carry.z_H), ("z", carry.z_L), ("logits", logits),
                               ("q_halt", q_halt), ("q_continue", q_continue)):
                out["step%d.%s" % (step, key)] = value.float()
    write_safetensors(os.path.join(out_dir, name, "steps.safetensors"), out)
    print(name, sum(v.numel() for k, v in state.items()), "values")


def main():
    official, out_dir = sys.argv[1], os.path.abspath(sys.argv[2])
    sys.path.insert(0, official)
    os.chdir(official)
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    for name, fields in CONFIGS.items():
        make(name, fields, out_dir, gen)


if __name__ == "__main__":
    main()
