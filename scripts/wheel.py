"""Writes a platform wheel that installs native executables as scripts (PEP 427, PEP 491).

  wheel.py --version V --scripts DIR --license FILE --readme FILE --out DIR

Every file in the scripts folder goes to `mlflow_pg_migrate-V.data/scripts/`, which pip installs
into the environment's bin/ directory. The tag is the plain `py3-none-linux_<arch>`; auditwheel
then bundles the shared libraries the executables need and retags the wheel manylinux.
Python's standard library only: no build backend is needed for a wheel of prebuilt files.
"""
import argparse, base64, hashlib, os, platform, stat, zipfile

NAME = "mlflow_pg_migrate"


def digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def main():
    ap = argparse.ArgumentParser()
    for flag in ("--version", "--scripts", "--license", "--readme", "--out"):
        ap.add_argument(flag, required=True)
    a = ap.parse_args()
    tag = f"py3-none-linux_{platform.machine()}"
    dist_info = f"{NAME}-{a.version}.dist-info"
    data = f"{NAME}-{a.version}.data"
    readme = open(a.readme, encoding="utf-8").read()
    files = {
        f"{NAME}/__init__.py": f'"""mlflow-pg-migrate: its executables are on PATH (mlflow-import, mlflow-export, mlflow-verify)."""\n__version__ = "{a.version}"\n'.encode(),
        f"{dist_info}/METADATA": (
            "Metadata-Version: 2.1\n"
            "Name: mlflow-pg-migrate\n"
            f"Version: {a.version}\n"
            "Summary: Move MLflow tracking stores from SQLite into PostgreSQL / TimescaleDB, exactly, with proof\n"
            "License: Apache-2.0\n"
            "Requires-Python: >=3.8\n"
            "Classifier: Operating System :: POSIX :: Linux\n"
            "Description-Content-Type: text/markdown\n\n" + readme).encode(),
        f"{dist_info}/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: mlflow-pg-migrate scripts/wheel.py\nRoot-Is-Purelib: false\n"
            f"Tag: {tag}\n").encode(),
        f"{dist_info}/LICENSE": open(a.license, "rb").read(),
    }
    executables = {}
    for entry in sorted(os.listdir(a.scripts)):
        path = os.path.join(a.scripts, entry)
        files[f"{data}/scripts/{entry}"] = open(path, "rb").read()
        executables[f"{data}/scripts/{entry}"] = True
    record = f"{dist_info}/RECORD"
    lines = [f"{path},{digest(body)},{len(body)}" for path, body in files.items()] + [f"{record},,"]
    files[record] = ("\n".join(lines) + "\n").encode()
    os.makedirs(a.out, exist_ok=True)
    out = os.path.join(a.out, f"{NAME}-{a.version}-{tag}.whl")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path, body in files.items():
            info = zipfile.ZipInfo(path, date_time=(2026, 1, 1, 0, 0, 0))
            mode = 0o755 if executables.get(path) else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, body)
    print(out)


if __name__ == "__main__":
    main()
