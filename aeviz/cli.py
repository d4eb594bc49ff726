"""The teacher's command line: `aeviz train | eval | pretrain` (also `python -m aeviz`).

Errors a user can cause print one line on stderr and exit with code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tqdm import tqdm

from aeviz.checkpoints import check_target, check_writable, checkpoint_path, load_checkpoint, save_checkpoint
from aeviz.configs import DEFAULT_DATASET, parse_widths
from aeviz.datasets import list_datasets, load_dataset
from aeviz.errors import AevizError
from aeviz.evaluation import evaluate_model, restoration_metrics
from aeviz.fitting import fit
from aeviz.models import ARCHS, ModelConfig
from aeviz.pretrain import RECIPES, pretrain
from aeviz.tasks import TASKS
from aeviz.training import TrainConfig, default_loss, run_to_end

MODEL, TRAIN = ModelConfig(), TrainConfig()  # the defaults, shared with the Train page (aeviz/configs.py)
DENOISE_NOISE = 0.5  # --task denoise without --noise or --mask: the shipped denoiser's σ

L1_HELP = (
    "λ of the L1 activity penalty: loss = MSE per feature + λ · Σ_i |a_i| summed over code units, averaged over the "
    "samples of a batch (on MNIST with a 64-unit ReLU code, 0.0003 silences about half the active units)"
)


def _widths(text: str) -> tuple[int, ...]:
    try:
        return parse_widths(text)
    except AevizError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aeviz", description="Train and inspect small autoencoders.")
    commands = parser.add_subparsers(dest="command", required=True)

    t = commands.add_parser("train", help="train an autoencoder and save it as a checkpoint")
    t.add_argument("--dataset", default=DEFAULT_DATASET, help=f"one of {', '.join(list_datasets())}, or a file path")
    t.add_argument("--arch", choices=ARCHS, default=MODEL.arch, help="model family")
    t.add_argument("--latent", type=int, default=MODEL.latent_dim, help="code size (units in the latent layer)")
    t.add_argument("--hidden", type=_widths, default=MODEL.hidden, help="encoder widths, e.g. 256,128 (mlp, vae)")
    t.add_argument("--l1", type=float, default=TRAIN.l1, help=L1_HELP)
    t.add_argument(
        "--task",
        choices=TASKS,
        default=TRAIN.task,
        help="what the input is (the target is the clean image): reconstruct; denoise (noise σ 0.5 unless --noise or "
        "--mask says otherwise); upscale (the image shrunk 2× and enlarged by bicubic interpolation); recolour (gray "
        "patches of the packaged photos in, colour out: --dataset photos, --arch conv)",
    )
    t.add_argument(
        "--conv-code",
        choices=("dense", "spatial"),
        default=MODEL.conv_code,
        help="conv: a dense code of --latent units, or the last feature map (spatial; --latent is ignored)",
    )
    t.add_argument("--noise", type=float, default=TRAIN.noise_std, help="denoising: std of Gaussian noise on the input")
    t.add_argument("--mask", type=float, default=TRAIN.mask_prob, help="denoising: probability of zeroing an input feature")
    t.add_argument("--beta", type=float, default=TRAIN.beta, help="VAE: weight of the KL term")
    t.add_argument("--loss", choices=("mse", "bce"), help="reconstruction loss (default: bce for conv, mse otherwise)")
    t.add_argument("--epochs", type=int, default=TRAIN.epochs)
    t.add_argument("--batch-size", type=int, default=TRAIN.batch_size)
    t.add_argument("--lr", type=float, default=TRAIN.lr, help="Adam's learning rate")
    t.add_argument("--seed", type=int, default=TRAIN.seed)
    t.add_argument("--out", required=True, help="checkpoint folder to write, e.g. my-models/digits-demo")
    t.add_argument("--force", action="store_true", help="replace an existing checkpoint of that name (never other files)")

    e = commands.add_parser("eval", help="validation figures next to PCA (a denoiser or upscaler: PSNR/SSIM too)")
    e.add_argument("dir", help="checkpoint folder")
    e.add_argument("--dataset", help="dataset to evaluate on (default: the one it was trained on)")
    e.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = commands.add_parser("pretrain", help="regenerate the shipped checkpoints")
    p.add_argument("--out", default="checkpoints", help="folder for the checkpoints")
    return parser


def _split_dir(text: str) -> tuple[Path, str]:
    path = Path(text)
    checkpoint_path(path.parent, path.name)  # validates the name
    return path.parent, path.name


def _progress(steps, bar: tqdm):
    """Pass `fit`'s (metrics, checkpoint) steps through, showing each epoch's losses on the progress bar."""
    for metrics, checkpoint in steps:
        bar.set_postfix(
            train=f"{metrics.train_loss:.4f}", val=f"{metrics.val_loss:.4f}", active=f"{metrics.active_fraction:.2f}"
        )
        bar.update()
        yield metrics, checkpoint


def _train(args: argparse.Namespace) -> None:
    root, name = _split_dir(args.out)
    check_target(root, name, args.force)  # before training: a refusal after minutes of training would waste them
    check_writable(root)
    data = load_dataset(args.dataset, seed=args.seed)
    latent = args.latent
    channels = data.n_features // (data.image_shape[0] * data.image_shape[1]) if data.image_shape else 1
    if args.arch == "conv" and args.conv_code == "spatial":
        latent = ModelConfig.for_data(data.n_features, data.image_shape, "conv", 1, channels=channels).feature_map_size
    model_config = ModelConfig.for_data(
        data.n_features, data.image_shape, args.arch, latent, hidden=args.hidden, conv_code=args.conv_code, channels=channels
    )
    noise = DENOISE_NOISE if args.task == "denoise" and args.noise == 0 and args.mask == 0 else args.noise
    train_config = TrainConfig(
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        l1=args.l1,
        noise_std=noise,
        mask_prob=args.mask,
        beta=args.beta,
        loss=args.loss or default_loss(args.arch),
        seed=args.seed,
        task=args.task,
    )
    print(f"{data.name}: {len(data.X_train)} training and {len(data.X_val)} validation rows, {data.n_features} features")
    print(f"{args.arch} autoencoder, code of {latent} units ({model_config.completeness}); input: {train_config.input_kind}")
    with tqdm(total=args.epochs, unit="epoch", file=sys.stdout) as bar:
        _, checkpoint = run_to_end(_progress(fit(data, model_config, train_config, data_seed=args.seed), bar))
    checkpoint.dataset = str(args.dataset)  # a path, so that `aeviz eval` finds the user's file again
    path = save_checkpoint(checkpoint, name, root, overwrite=args.force)
    print(f"saved {path}  val_mse {checkpoint.metrics['val_mse']:.4f}  (PCA: {checkpoint.metrics['pca_val_mse']:.4f})")
    for line in restoration_lines(checkpoint.metrics):
        print(line)


def restoration_lines(metrics: dict) -> list[str]:
    """A restoring model's PSNR/SSIM next to each baseline's (nothing for a plain autoencoder)."""
    names = [key.removesuffix("_psnr") for key in metrics if key.endswith("_psnr")]
    return [f"{name:>10}  PSNR {metrics[name + '_psnr']:6.2f} dB  SSIM {metrics[name + '_ssim']:.3f}" for name in names]


def _eval(args: argparse.Namespace) -> None:
    root, name = _split_dir(args.dir)
    checkpoint = load_checkpoint(name, root)
    data = load_dataset(args.dataset or checkpoint.dataset, seed=checkpoint.data_seed)
    result = evaluate_model(checkpoint.model, data)
    if checkpoint.train_config is not None:
        config = checkpoint.train_config
        result.update(restoration_metrics(checkpoint.model, config, data, seed=config.seed))
    if args.json:
        print(json.dumps(result, indent=1))
        return
    for key, value in result.items():
        print(f"{key:>18}  {value:.4f}" if isinstance(value, float) else f"{key:>18}  {value}")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "train":
            _train(args)
        elif args.command == "eval":
            _eval(args)
        else:
            print(f"training {len(RECIPES)} checkpoints into {args.out}")
            pretrain(args.out, report=print)
    except AevizError as exc:
        print(f"aeviz: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("aeviz: interrupted", file=sys.stderr)
        return 130
    return 0
