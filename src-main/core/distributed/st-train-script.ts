// The training script `genq export --format st-train` writes (train_st.py). One file, three uses:
// the sentence-transformers trainer under torchrun (DDP over N GPUs), the same on one device, and
// --check-steps N [--check-out DIR]: a plain PyTorch loop over one batch that needs only torch (a
// built-in BERT reader/writer and WordPiece tokenizer when transformers is absent), to check an
// export in seconds. Hyper-parameters come from genq-train.json beside it (st-train-export.ts).
export const ST_TRAIN_SCRIPT = `#!/usr/bin/env python3
# Written by "genq export --format st-train" (GenQ Workbench). Fine-tunes the base model on the
# exported data with the hyper-parameters of the project's training settings (genq-train.json):
#
#   torchrun --nproc_per_node N train_st.py            # sentence-transformers trainer, DDP over N GPUs
#   python3 train_st.py                                 # the same on one device
#   python3 train_st.py --check-steps 5                 # a few steps of a plain PyTorch loop (no trainer)
#
# Then register the result in the project:  genq models add --project PROJECT ./output --role encoder
#
# Hyper-parameters (as GenQ Workbench trains): AdamW (betas 0.9/0.999, eps, weight decay), linear
# warmup for warmupRatio of the steps then linear decay to 0, gradient clipping at maxGradNorm,
# no-duplicates batches for the MNR loss (a text never appears twice in a batch, so no in-batch
# negative is a false one). Under torchrun every process takes per_device batch = batchSize, so
# each step's in-batch negatives are those of a single-machine batch; the global batch is N x that.
import argparse
import json
import math
import os
import random
import struct
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))


def load_config():
    with open(os.path.join(HERE, "genq-train.json"), encoding="utf-8") as f:
        return json.load(f)


def load_rows(config):
    with open(os.path.join(HERE, config["data"]), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def base_model(config):
    """The base model folder when it exists here, else the Hub repo at the pinned revision."""
    m = config["model"]
    if m.get("path") and os.path.isdir(m["path"]):
        return m["path"], None
    if m.get("repo"):
        return m["repo"], m.get("revision")
    sys.exit("base model %s: folder %s not found and no Hub repo recorded" % (m.get("name"), m.get("path")))


# ---------------------------------------------------------------- sentence-transformers trainer
def train_st(config, out_dir):
    from datasets import Dataset
    from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer, SentenceTransformerTrainingArguments, losses
    from sentence_transformers.training_args import BatchSamplers

    s = config["settings"]
    name, revision = base_model(config)
    model = SentenceTransformer(name, revision=revision)
    if s.get("maxSeqLength"):
        model.max_seq_length = s["maxSeqLength"]
    rows = load_rows(config)
    if config["loss"] == "mnr":
        data = Dataset.from_dict({"anchor": [r["query"] for r in rows], "positive": [r["positive"] for r in rows]})
        loss_class = losses.MultipleNegativesSymmetricRankingLoss if s.get("symmetric") else losses.MultipleNegativesRankingLoss
        loss = loss_class(model, scale=config["mnrScale"])
        sampler = BatchSamplers.NO_DUPLICATES
    else:
        data = Dataset.from_dict({
            "anchor": [r["query"] for r in rows],
            "positive": [r["positive"] for r in rows],
            "negative": [r["negative"] for r in rows],
            "label": [float(r["label"]) for r in rows],
        })
        loss = losses.MarginMSELoss(model)  # dot-product margins, as GPL and GenQ Workbench
        sampler = BatchSamplers.BATCH_SAMPLER
    args = SentenceTransformerTrainingArguments(
        output_dir=os.path.join(out_dir, "trainer"),
        num_train_epochs=s["epochs"],
        max_steps=s.get("steps") or -1,
        per_device_train_batch_size=s["batchSize"],
        learning_rate=s["lr"],
        warmup_ratio=s["warmupRatio"],
        lr_scheduler_type="linear",
        weight_decay=s["weightDecay"],
        adam_beta1=0.9,
        adam_beta2=0.999,
        adam_epsilon=s["adamEps"],
        max_grad_norm=s["maxGradNorm"],
        optim="adamw_torch",
        seed=s["seed"],
        batch_sampler=sampler,
        save_strategy="no",
        report_to="none",
        logging_steps=10,
    )
    trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=data, loss=loss)
    trainer.train()
    if trainer.is_world_process_zero():
        model.save(out_dir)
        print(json.dumps({"saved": out_dir}))


# ---------------------------------------------------------------- plain PyTorch check loop
def read_safetensors(path, torch):
    """name -> tensor from a .safetensors file (F32/F16/BF16), without the safetensors package."""
    dtypes = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    out = {}
    for key, info in header.items():
        if key == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw = bytearray(blob[8 + n + start:8 + n + end])
        out[key] = torch.frombuffer(raw, dtype=dtypes[info["dtype"]]).reshape(info["shape"]).float()
    return out


class WordPiece:
    """BERT's tokenizer from tokenizer.json: BertNormalizer, BertPreTokenizer, WordPiece, [CLS] x [SEP]."""

    def __init__(self, folder):
        with open(os.path.join(folder, "tokenizer.json"), encoding="utf-8") as f:
            t = json.load(f)
        if t["model"]["type"] != "WordPiece":
            raise SystemExit("the check loop's built-in tokenizer handles WordPiece (BERT) only; install transformers for other models")
        self.vocab = t["model"]["vocab"]
        self.prefix = t["model"].get("continuing_subword_prefix", "##")
        self.unk = self.vocab[t["model"].get("unk_token", "[UNK]")]
        norm = t.get("normalizer") or {}
        self.lower = norm.get("lowercase", True)
        self.strip = norm.get("strip_accents", self.lower) in (True, None)
        self.cls, self.sep = self.vocab["[CLS]"], self.vocab["[SEP]"]

    def words(self, text):
        if self.lower:
            text = text.lower()
        if self.strip:
            text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
        out, cur = [], ""
        for c in text:
            if c.isspace():
                if cur:
                    out.append(cur)
                cur = ""
            elif unicodedata.category(c).startswith("P") or (33 <= ord(c) <= 47) or (58 <= ord(c) <= 64) or (91 <= ord(c) <= 96) or (123 <= ord(c) <= 126):
                if cur:
                    out.append(cur)
                out.append(c)
                cur = ""
            else:
                cur += c
        if cur:
            out.append(cur)
        return out

    def encode(self, text, max_len):
        ids = [self.cls]
        for w in self.words(text):
            start, pieces = 0, []
            while start < len(w):
                end, piece = len(w), None
                while start < end:
                    sub = w[start:end] if start == 0 else self.prefix + w[start:end]
                    if sub in self.vocab:
                        piece = self.vocab[sub]
                        break
                    end -= 1
                if piece is None:
                    pieces = [self.unk]
                    break
                pieces.append(piece)
                start = end
            ids.extend(pieces)
        return ids[: max_len - 1] + [self.sep]


def bert_encoder(folder, torch):
    """A BERT encoder (BertModel weights from model.safetensors) as a function of (ids, mask) -> [B, T, H]."""
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        c = json.load(f)
    if c.get("model_type") != "bert":
        raise SystemExit("the check loop's built-in encoder is BERT only (model_type %s); install transformers" % c.get("model_type"))
    raw = read_safetensors(os.path.join(folder, "model.safetensors"), torch)
    w = {k[len("bert."):] if k.startswith("bert.") else k: torch.nn.Parameter(v) for k, v in raw.items()}
    F = torch.nn.functional
    heads, hidden, eps, p = c["num_attention_heads"], c["hidden_size"], c["layer_norm_eps"], c["hidden_dropout_prob"]

    def lin(x, name):
        return F.linear(x, w[name + ".weight"], w[name + ".bias"])

    def ln(x, name):
        return F.layer_norm(x, (hidden,), w[name + ".weight"], w[name + ".bias"], eps)

    def forward(ids, mask, training=True):
        b, t = ids.shape
        pos = torch.arange(t).unsqueeze(0)
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][pos] + w["embeddings.token_type_embeddings.weight"][torch.zeros_like(ids)]
        x = F.dropout(ln(x, "embeddings.LayerNorm"), p, training)  # [B, T, H]
        bias = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min  # [B, 1, 1, T]
        for i in range(c["num_hidden_layers"]):
            a = "encoder.layer.%d." % i
            split = lambda y: y.view(b, t, heads, hidden // heads).transpose(1, 2)  # [B, heads, T, d]
            q, k, v = split(lin(x, a + "attention.self.query")), split(lin(x, a + "attention.self.key")), split(lin(x, a + "attention.self.value"))
            att = F.dropout(torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hidden // heads) + bias, -1), c["attention_probs_dropout_prob"], training)
            ctx = (att @ v).transpose(1, 2).reshape(b, t, hidden)  # [B, T, H]
            x = ln(x + F.dropout(lin(ctx, a + "attention.output.dense"), p, training), a + "attention.output.LayerNorm")
            h = F.gelu(lin(x, a + "intermediate.dense"))  # [B, T, FFN]
            x = ln(x + F.dropout(lin(h, a + "output.dense"), p, training), a + "output.LayerNorm")
        return x

    return forward, w


def write_safetensors(path, tensors):
    """name -> tensor into a .safetensors file (F32), without the safetensors package."""
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().float().contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    head = json.dumps(header).encode("utf-8")
    head += b" " * ((8 - len(head) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for c in chunks:
            f.write(c)


def save_folder(folder, out, weights, hf, tok):
    """The checked model as a sentence-transformers folder (config, tokenizer, pooling copied from the base)."""
    import shutil

    os.makedirs(out, exist_ok=True)
    for name in os.listdir(folder):
        src = os.path.join(folder, name)
        if name in ("model.safetensors", "pytorch_model.bin", "onnx") or name.startswith("reference"):
            continue
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(out, name), dirs_exist_ok=True)
        else:
            shutil.copy(src, os.path.join(out, name))
    if hf is not None:
        hf.save_pretrained(out, safe_serialization=True)
        tok.save_pretrained(out)
    else:
        write_safetensors(os.path.join(out, "model.safetensors"), weights)


def check_loop(config, steps, out=None):
    import torch

    torch.manual_seed(config["settings"]["seed"])
    s = config["settings"]
    folder, _ = base_model(config)
    if not os.path.isdir(folder):
        sys.exit("the check loop needs the base model folder on this machine (%s)" % folder)
    with open(os.path.join(folder, "1_Pooling", "config.json"), encoding="utf-8") as f:
        pooling = json.load(f)
    max_len = s.get("maxSeqLength") or 128
    try:
        from transformers import AutoModel, AutoTokenizer

        tok = AutoTokenizer.from_pretrained(folder)
        hf = AutoModel.from_pretrained(folder)
        hf.train()
        weights = None
        encode_batch = lambda texts: tok(texts, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        forward = lambda ids, mask: hf(input_ids=ids, attention_mask=mask).last_hidden_state
        params = list(hf.parameters())
        engine = "transformers"
    except ImportError:
        wp = WordPiece(folder)

        def encode_batch(texts):
            ids = [wp.encode(t, max_len) for t in texts]
            width = max(len(i) for i in ids)
            return {"input_ids": torch.tensor([i + [0] * (width - len(i)) for i in ids]), "attention_mask": torch.tensor([[1] * len(i) + [0] * (width - len(i)) for i in ids])}

        forward, weights = bert_encoder(folder, torch)
        params = list(weights.values())
        engine = "built-in BERT"

    def embed(texts):
        enc = encode_batch(texts)
        hidden = forward(enc["input_ids"], enc["attention_mask"])  # [B, T, H]
        if pooling.get("pooling_mode_cls_token"):
            return hidden[:, 0]
        m = enc["attention_mask"].unsqueeze(-1).float()
        return (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)  # [B, H] mean over real tokens

    rows = load_rows(config)
    random.Random(s["seed"]).shuffle(rows)
    batch = rows[: s["batchSize"]]
    decay = [p for p in params if p.dim() > 1]
    no_decay = [p for p in params if p.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": s["weightDecay"]}, {"params": no_decay, "weight_decay": 0.0}], lr=s["lr"], betas=(0.9, 0.999), eps=s["adamEps"])
    warmup = max(1, int(math.ceil(steps * s["warmupRatio"])))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda i: (i + 1) / warmup if i < warmup else max(0.0, (steps - i) / max(1, steps - warmup)))
    losses = []
    for step in range(steps):
        q = embed([r["query"] for r in batch])
        pos = embed([r["positive"] for r in batch])
        if config["loss"] == "mnr":
            scores = torch.nn.functional.normalize(q, dim=-1) @ torch.nn.functional.normalize(pos, dim=-1).T * config["mnrScale"]  # [B, B]
            labels = torch.arange(len(batch))
            loss = torch.nn.functional.cross_entropy(scores, labels)
            if s.get("symmetric"):
                loss = (loss + torch.nn.functional.cross_entropy(scores.T, labels)) / 2
        else:
            neg = embed([r["negative"] for r in batch])
            margin = (q * pos).sum(-1) - (q * neg).sum(-1)  # [B]
            loss = torch.nn.functional.mse_loss(margin, torch.tensor([float(r["label"]) for r in batch]))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, s["maxGradNorm"])
        opt.step()
        sched.step()
        losses.append(float(loss))
        print(json.dumps({"step": step + 1, "loss": losses[-1], "lr": sched.get_last_lr()[0]}))
    ok = all(math.isfinite(l) for l in losses)
    if out and ok:
        save_folder(folder, out, weights, hf if engine == "transformers" else None, tok if engine == "transformers" else None)
    print(json.dumps({"check": "ok" if ok else "non-finite loss", "engine": engine, "steps": steps, "first_loss": losses[0], "last_loss": losses[-1]}))
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description="Fine-tune the exported base model (GenQ Workbench export).")
    parser.add_argument("--out", default=os.path.join(HERE, "output"), help="where the trained sentence-transformers folder goes")
    parser.add_argument("--check-steps", type=int, default=0, help="run this many steps of the plain PyTorch loop on one batch instead")
    parser.add_argument("--check-out", default=None, help="with --check-steps: save the checked model there (a folder genq models add accepts)")
    args = parser.parse_args()
    config = load_config()
    if args.check_steps > 0:
        sys.exit(check_loop(config, args.check_steps, args.check_out))
    train_st(config, args.out)


if __name__ == "__main__":
    main()
`;
