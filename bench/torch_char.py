"""The end-to-end benchmark's model in a plain PyTorch loop (bench/char-e2e.bench.ts).

The same model and settings as the nnc project bench/char-names.mjs writes:
characters (lowercased, the project's vocabulary, unknown -> 1, <pad> 0,
the last 20 kept) -> embedding 32 -> conv1d 64 (kernel 3, same, relu) ->
GRU 64 -> max over time -> 8 classes; Adam 3e-3, batch 64, 12 epochs, a
tenth held out for validation (loss and accuracy after every epoch, like
nnc's loop). Unlike nnc's model, no padding mask (a plain loop pads and
goes). Prints one JSON line: seconds to import torch, the loop's seconds,
the final validation accuracy, the thread count.
    python3 bench/torch_char.py <names.jsonl> [--threads n] [--epochs 12]
"""
import json
import sys
import time

T0 = time.perf_counter()
import torch  # noqa: E402
from torch import nn  # noqa: E402

IMPORT_S = time.perf_counter() - T0
VOCAB = ["<pad>", "<unk>"] + list("abcdefghijklmnopqrstuvwxyzñ") + ["'", "-", " "]
MAX_LENGTH = 20


class CharNet(nn.Module):
    def __init__(self, vocab, classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab, 32)
        self.conv = nn.Conv1d(32, 64, 3, padding=1)
        self.gru = nn.GRU(64, 64, batch_first=True)
        self.head = nn.Linear(64, classes)

    def forward(self, x):
        h = torch.relu(self.conv(self.embedding(x).transpose(1, 2))).transpose(1, 2)
        out, _ = self.gru(h)
        return self.head(out.max(dim=1).values)


def encode(text):
    ids = {t: i for i, t in enumerate(VOCAB)}
    chars = [ids.get(c, 1) for c in text.lower()][-MAX_LENGTH:]
    return chars + [0] * (MAX_LENGTH - len(chars))


def main():
    args = sys.argv[1:]
    path = args[0]
    threads = int(args[args.index("--threads") + 1]) if "--threads" in args else None
    epochs = int(args[args.index("--epochs") + 1]) if "--epochs" in args else 12
    batch = 64
    if threads:
        torch.set_num_threads(threads)
    torch.manual_seed(1)
    rows = [json.loads(line) for line in open(path, encoding="utf8") if line.strip()]
    classes = sorted({r["label"] for r in rows})
    x = torch.tensor([encode(r["input"]) for r in rows], dtype=torch.long)
    y = torch.tensor([classes.index(r["label"]) for r in rows], dtype=torch.long)
    order = torch.randperm(len(rows), generator=torch.Generator().manual_seed(1))
    n_val = len(rows) // 10
    val, train = order[:n_val], order[n_val:]
    model = CharNet(len(VOCAB), len(classes))
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    accuracy = 0.0
    for epoch in range(epochs):
        model.train()
        shuffled = train[torch.randperm(len(train))]
        total, correct = 0.0, 0
        for i in range(0, len(shuffled), batch):
            idx = shuffled[i:i + batch]
            optimizer.zero_grad()
            logits = model(x[idx])
            loss = loss_fn(logits, y[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
            correct += (logits.argmax(1) == y[idx]).sum().item()
        model.eval()
        with torch.no_grad():
            logits = model(x[val])
            val_loss = loss_fn(logits, y[val]).item()
            accuracy = (logits.argmax(1) == y[val]).float().mean().item()
        print(f"epoch {epoch + 1}: loss {total / len(train):.4f} acc {correct / len(train):.3f} val_loss {val_loss:.4f} val_acc {accuracy:.3f}", file=sys.stderr)
    loop = time.perf_counter() - start
    print(json.dumps({"import_s": IMPORT_S, "loop_s": loop, "val_accuracy": accuracy, "threads": torch.get_num_threads(), "version": torch.__version__}))


if __name__ == "__main__":
    main()
