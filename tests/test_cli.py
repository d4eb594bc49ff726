"""aeviz.cli: train, eval and errors as a teacher meets them in a shell."""

import json
import subprocess
import sys

import pytest

from aeviz.cli import main


def test_train_then_eval_json(tmp_path, capsys):
    """`aeviz train` saves a checkpoint; `aeviz eval --json` reports the documented figures."""
    out = tmp_path / "digits-run"
    assert main(["train", "--dataset", "digits", "--latent", "2", "--hidden", "32", "--epochs", "2", "--out", str(out)]) == 0
    assert (out / "model.safetensors").is_file()
    capsys.readouterr()
    assert main(["eval", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    for key in ("val_mse", "pca_val_mse", "active_fraction", "knn_accuracy", "pca_knn_accuracy"):
        assert 0 <= result[key] <= 1, key


def test_bad_dataset_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["train", "--dataset", "nope.csv", "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aeviz: error: unknown dataset 'nope.csv'") and err.count("\n") == 1


def test_bad_file_contents_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n3,x\n")
    assert main(["train", "--dataset", str(bad), "--out", str(tmp_path / "x")]) == 2
    assert "row 3, column 'b': 'x' is not a number" in capsys.readouterr().err


def test_eval_of_missing_checkpoint(tmp_path, capsys):
    assert main(["eval", str(tmp_path / "ghost")]) == 2
    assert "no checkpoint named 'ghost'" in capsys.readouterr().err


def test_python_dash_m_and_argument_errors():
    """`python -m aeviz` runs; argparse errors exit 2 without a traceback."""
    done = subprocess.run([sys.executable, "-m", "aeviz", "train", "--hidden", "a,b"], capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "hidden widths" in done.stderr


def test_the_default_run_makes_the_lecture_point(tmp_path, capsys):
    """`aeviz train` with every default (the Train page's too) gives a 2-D code that separates the digits clearly better
    than PCA with 2 components (5-NN accuracy), the first thing a class sees. The old CLI defaults tied with PCA."""
    out = tmp_path / "defaults"
    assert main(["train", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["eval", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["latent_dim"] == 2
    assert result["knn_accuracy"] > result["pca_knn_accuracy"] + 0.1, result


def test_out_never_clobbers_and_force_replaces_only_a_checkpoint(tmp_path, capsys):
    """--out onto a folder of the user's files or onto a file is refused before training, touching nothing; an
    existing checkpoint needs --force."""
    folder, note = tmp_path / "thesis", tmp_path / "note.txt"
    folder.mkdir()
    (folder / "thesis.txt").write_bytes(b"chapter one")
    note.write_bytes(b"keep me")
    small = ["train", "--dataset", "digits", "--hidden", "16", "--epochs", "1"]
    for target in (folder, note):
        assert main([*small, "--out", str(target), "--force"]) == 2
        assert "aeviz will not replace it" in capsys.readouterr().err
    assert (folder / "thesis.txt").read_bytes() == b"chapter one" and note.read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["note.txt", "thesis"]
    out = str(tmp_path / "run")
    assert main([*small, "--out", out]) == 0
    assert main([*small, "--out", out]) == 2
    err = capsys.readouterr().err
    assert "exists already" in err and "(--force)" in err
    assert main([*small, "--out", out, "--force"]) == 0


def test_train_an_upscaler_then_eval_reports_it_against_bicubic(tmp_path, capsys):
    out = tmp_path / "up"
    args = ["train", "--dataset", "digits", "--task", "upscale", "--arch", "conv", "--conv-code", "spatial", "--epochs", "2"]
    assert main([*args, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "bicubic interpolation" in printed and "   bicubic  PSNR" in printed and "     model  PSNR" in printed
    assert main(["eval", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["bicubic_psnr"] > 10 and 0 < result["model_ssim"] <= 1


def test_task_denoise_without_a_noise_level_trains_at_the_shipped_sigma(tmp_path, capsys):
    out = tmp_path / "den"
    assert main(["train", "--dataset", "digits", "--task", "denoise", "--epochs", "1", "--out", str(out)]) == 0
    assert "Gaussian noise σ = 0.5" in capsys.readouterr().out
    assert json.loads((out / "meta.json").read_text())["train"]["task"] == "denoise"


def test_train_a_recolourer_on_the_packaged_photos_then_eval_against_both_baselines(tmp_path, capsys):
    out = tmp_path / "rec"
    args = ["train", "--dataset", "photos", "--task", "recolour", "--arch", "conv", "--conv-code", "spatial"]
    assert main([*args, "--epochs", "1", "--out", str(out)]) == 0
    assert "grayscale image" in capsys.readouterr().out
    assert main(["eval", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert {"gray_psnr", "brightness_psnr", "model_psnr", "model_ssim"} <= set(result)


def test_recolouring_grayscale_digits_is_a_message(tmp_path, capsys):
    args = ["train", "--dataset", "digits", "--task", "recolour", "--epochs", "1", "--out", str(tmp_path / "x")]
    assert main(args) == 2
    assert "recolouring needs colour images" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train", "--dataset", "digits", "--seed", "-1", "--epochs", "1"], "the seed must be a whole number of at least 0"),
        (["train", "--dataset", "digits", "--epochs", "1", "--out", "{tmp}/a-file/model"], "cannot write checkpoints into"),
    ],
)
def test_what_would_fail_after_training_is_refused_before_it(tmp_path, capsys, args, message):
    """A negative seed (a numpy traceback) and an --out under a file (a traceback after the whole training) are one
    line and exit 2, before any epoch."""
    (tmp_path / "a-file").write_text("not a folder")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "m")]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err and "epoch" not in captured.out


def test_eval_on_data_of_another_width_is_one_line(tmp_path, capsys):
    assert main(["train", "--dataset", "digits", "--epochs", "1", "--out", str(tmp_path / "d")]) == 0
    capsys.readouterr()
    assert main(["eval", str(tmp_path / "d"), "--dataset", "swiss_roll"]) == 2
    assert "the model takes 64 inputs but swiss_roll has 3 features" in capsys.readouterr().err
