#!/usr/bin/python3
"""The workshop's Keras model in PyTorch, the peer of newsclf-fit in scripts/bench/workshop.sh.

Reads the token records newsclf-tokenize writes as JSON Lines and the embedding matrix .npy, so
both systems train on the same sequences; then does what the workshop's Keras code does: pad and
truncate at the front to 100, frozen embedding, Flatten, Dense(2, relu), Dense(4, softmax),
categorical cross-entropy, RMSprop(lr 0.001, rho 0.9, eps 1e-7), batch 32, 2 epochs, rows
shuffled by Python's random.Random(99), first 80% train. Prints one line per epoch and writes
the weights to OUT.

usage: workshop_torch.py TOKENS.jsonl EMBEDDING.npy OUT [EPOCHS]
"""
import json
import random
import sys
import time

import numpy as np
import torch

LABELS = {"b": 0, "t": 1, "e": 2, "m": 3}


def main():
    tokens_path, embedding_path, out_path = sys.argv[1:4]
    epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    max_len, batch = 100, 32
    torch.set_num_threads(2)
    torch.manual_seed(99)
    rows, labels = [], []
    with open(tokens_path) as f:
        for line in f:
            r = json.loads(line)
            rows.append(r["tokens"][-max_len:])
            labels.append(LABELS[r["label"]])
    x = np.zeros((len(rows), max_len), dtype=np.int64)
    for i, t in enumerate(rows):
        if t:
            x[i, max_len - len(t):] = t
    y = np.array(labels, dtype=np.int64)
    order = list(range(len(rows)))
    random.Random(99).shuffle(order)
    cut = int(len(order) * 0.8)
    train, val = torch.tensor(order[:cut]), torch.tensor(order[cut:])
    embedding = torch.from_numpy(np.load(embedding_path).astype(np.float32))
    model = torch.nn.Sequential(
        torch.nn.Embedding.from_pretrained(embedding, freeze=True),
        torch.nn.Flatten(),
        torch.nn.Linear(max_len * embedding.shape[1], 2),
        torch.nn.ReLU(),
        torch.nn.Linear(2, 4),
    )
    for layer in (model[2], model[4]):
        torch.nn.init.xavier_uniform_(layer.weight)
        torch.nn.init.zeros_(layer.bias)
    optimizer = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for epoch in range(1, epochs + 1):
        start = time.time()
        model.train()
        perm = train[torch.randperm(len(train))]
        for i in range(0, len(perm), batch):
            idx = perm[i:i + batch]
            optimizer.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            correct = 0
            for i in range(0, len(val), 4096):
                idx = val[i:i + 4096]
                correct += (model(xt[idx]).argmax(1) == yt[idx]).sum().item()
        print(f"Epoch {epoch}/{epochs} - {time.time() - start:.2f}s - val_acc: {correct / len(val):.4f}", file=sys.stderr)
    torch.save(model.state_dict(), out_path)


if __name__ == "__main__":
    main()
