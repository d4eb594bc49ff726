"""Training throughput: aeviz's train() against the idiomatic PyTorch loop, side by side in one process.

Both train the same MLP (784-128-64-128-784, Adam, MSE, batch 256) on the 4,000 MNIST training digits from the same initial
weights, with one torch thread as the server's workers have. Rounds alternate between the two so that machine noise
hits both alike, after one uncounted round of each. Prints samples/s and the median of the rounds' time ratios.

    python bench/bench_training.py [--epochs 5] [--rounds 5]
"""

import argparse
import statistics
import time

from aeviz.runtime import configure_environment, set_torch_threads

configure_environment()  # one thread, as in the server's workers ($AEVIZ_TORCH_THREADS)

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import DataLoader, TensorDataset  # noqa: E402

from aeviz.datasets import load_dataset  # noqa: E402
from aeviz.models import ModelConfig, build_model  # noqa: E402
from aeviz.training import TrainConfig, train  # noqa: E402


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
    set_torch_threads()
    times = {"idiomatic": [], "aeviz": []}
    for round_ in range(args.rounds + 1):  # round 0 warms both up and is not counted
        model = build_model(config)
        start = time.perf_counter()
        idiomatic(model, X, args.epochs, args.batch_size)
        idiomatic_time = time.perf_counter() - start
        model = build_model(config)
        start = time.perf_counter()
        for _ in train(model, data, TrainConfig(epochs=args.epochs, batch_size=args.batch_size)):
            pass
        if round_ > 0:
            times["idiomatic"].append(idiomatic_time)
            times["aeviz"].append(time.perf_counter() - start)
    rate = {k: samples / statistics.median(v) for k, v in times.items()}
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, MLP 784-128-64-128-784, batch {args.batch_size}")
    for key, value in rate.items():
        print(f"{key:>10}: {value:9.0f} samples/s  (median of {args.rounds} rounds of {args.epochs} epochs)")
    ratios = [a / i for a, i in zip(times["aeviz"], times["idiomatic"], strict=True)]
    print(
        f"time aeviz / idiomatic: median {statistics.median(ratios):.2f}× over {args.rounds} interleaved rounds "
        f"(range {min(ratios):.2f}–{max(ratios):.2f}×; aeviz's time includes its validation pass every epoch)"
    )


if __name__ == "__main__":
    main()
