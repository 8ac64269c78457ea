"""The package builds and installs with nothing downloaded."""

import hashlib
import base64
import os
import subprocess
import sys
import tempfile
import unittest
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(HERE, "_build"))
import flowspec_build  # noqa: E402


class BuildTest(unittest.TestCase):
    def test_wheel_contents_and_record(self):
        with tempfile.TemporaryDirectory() as out:
            name = flowspec_build.build_wheel(out)
            self.assertEqual(name, "flowspec-0.1.0-py3-none-any.whl")
            with zipfile.ZipFile(os.path.join(out, name)) as zf:
                names = set(zf.namelist())
                for want in ["flowspec/__init__.py", "flowspec/worker.py", "flowspec/py.typed",
                             "flowspec-0.1.0.dist-info/METADATA", "flowspec-0.1.0.dist-info/RECORD"]:
                    self.assertIn(want, names)
                self.assertFalse([n for n in names if "__pycache__" in n or n.startswith("tests/")])
                record = zf.read("flowspec-0.1.0.dist-info/RECORD").decode().splitlines()
                for line in record:
                    path, digest, size = line.rsplit(",", 2)
                    if path.endswith("RECORD"):
                        continue
                    data = zf.read(path)
                    want = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                    self.assertEqual(digest, "sha256=" + want, path)
                    self.assertEqual(int(size), len(data), path)
                meta = zf.read("flowspec-0.1.0.dist-info/METADATA").decode()
                self.assertIn("Requires-Python: >=3.9", meta)

    def test_pip_installs_offline_into_a_venv(self):
        with tempfile.TemporaryDirectory() as tmp:
            venv = os.path.join(tmp, "venv")
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
            py = os.path.join(venv, "bin", "python")
            subprocess.run([py, "-m", "pip", "install", "--no-index", "--quiet", HERE], check=True)
            out = subprocess.run(
                [py, "-c", "import flowspec, flowspec.worker; print(flowspec.FlowEnvar(envar_name='A', envar_value='B'))"],
                cwd=tmp, check=True, capture_output=True, text=True).stdout
            self.assertEqual(out.strip(), "FlowEnvar(envar_name='A', envar_value='B')")


if __name__ == "__main__":
    unittest.main()
