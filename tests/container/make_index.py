#!/usr/bin/env python3
"""Writes a PEP 503 package index with stand-in yt-dlp wheels, for tests.

    make_index.py DIR VERSION[:broken] ...

Each VERSION becomes DIR/simple/yt-dlp/yt_dlp-VERSION-py3-none-any.whl: a
real wheel (what pip installs from PyPI has this shape) whose `yt-dlp`
command prints VERSION for --version, with an empty `default` extra as the
real package declares. `:broken` makes a wheel whose command crashes.
Built with zipfile alone: no setuptools, no network.
"""
import base64
import hashlib
import os
import sys
import zipfile


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def wheel(path, version, broken):
    dist = f"yt_dlp-{version}.dist-info"
    body = "raise SystemExit('broken build')\n" if broken else f"print({version!r})\n"
    files = {
        "yt_dlp/__init__.py": "def main():\n    import sys\n    if '--version' in sys.argv:\n        "
        + body.replace("\n", "\n        ").rstrip() + "\n        return\n    print('stand-in yt-dlp')\n",
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: yt-dlp\nVersion: {version}\nProvides-Extra: default\n",
        f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: tubedigest-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{dist}/entry_points.txt": "[console_scripts]\nyt-dlp = yt_dlp:main\n",
    }
    lines = []
    with zipfile.ZipFile(path, "w") as z:
        for name, text in files.items():
            data = text.encode()
            z.writestr(name, data)
            lines.append(record_line(name, data))
        lines.append(f"{dist}/RECORD,,")
        z.writestr(f"{dist}/RECORD", "\n".join(lines) + "\n")


def main():
    root, specs = sys.argv[1], sys.argv[2:]
    pkg = os.path.join(root, "simple", "yt-dlp")
    os.makedirs(pkg, exist_ok=True)
    links = []
    for spec in specs:
        version, _, flag = spec.partition(":")
        name = f"yt_dlp-{version}-py3-none-any.whl"
        wheel(os.path.join(pkg, name), version, flag == "broken")
        links.append(f'<a href="{name}">{name}</a><br>')
    with open(os.path.join(pkg, "index.html"), "w") as f:
        f.write("<!DOCTYPE html><html><body>\n" + "\n".join(links) + "\n</body></html>\n")
    with open(os.path.join(root, "simple", "index.html"), "w") as f:
        f.write('<!DOCTYPE html><html><body><a href="yt-dlp/">yt-dlp</a></body></html>\n')


main()
