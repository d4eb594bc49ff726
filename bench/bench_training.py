"""Training throughput: aeviz's train() against the idiomatic PyTorch loop, side by side in one process.

Both train the same MLP (784-128-64-128-784, Adam, MSE, batch 256) on the 4,000 MNIST training digits from the same initial
weights. Rounds alternate between the two so that machine noise hits both alike. Prints samples/s and the ratio.

    python bench/bench_training.py [--epochs 5] [--rounds 5]
"""

import argparse
import statistics
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from aeviz.datasets import load_dataset
from aeviz.models import ModelConfig, build_model
from aeviz.training import TrainConfig, train


def idiomatic(model: nn.Module, X: torch.Tensor, epochs: int, batch_size: int) -> None:
    """The loop of pytorch/examples: DataLoader over a TensorDataset, Adam, MSE."""
    loader = DataLoader(TensorDataset(X), batch_size=batch_size, shuffle=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    for _ in range(epochs):
        for (x,) in loader:
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(model(x), x)
            loss.backward()
            optimizer.step()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args()
    data = load_dataset("mnist")
    config = ModelConfig.for_data(784, (28, 28), "mlp", 64, hidden=(128,))
    X = torch.from_numpy(data.X_train)
    samples = len(X) * args.epochs
    times = {"idiomatic": [], "aeviz": []}
    for _ in range(args.rounds):
        model = build_model(config)
        start = time.perf_counter()
        idiomatic(model, X, args.epochs, args.batch_size)
        times["idiomatic"].append(time.perf_counter() - start)
        model = build_model(config)
        start = time.perf_counter()
        for _ in train(model, data, TrainConfig(epochs=args.epochs, batch_size=args.batch_size)):
            pass
        times["aeviz"].append(time.perf_counter() - start)
    rate = {k: samples / statistics.median(v) for k, v in times.items()}
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, MLP 784-128-64-128-784, batch {args.batch_size}")
    for key, value in rate.items():
        print(f"{key:>10}: {value:9.0f} samples/s  (median of {args.rounds} rounds of {args.epochs} epochs)")
    print(f"ratio aeviz / idiomatic: {rate['aeviz'] / rate['idiomatic']:.2f}  (aeviz also evaluates validation every epoch)")


if __name__ == "__main__":
    main()
