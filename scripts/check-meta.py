#!/usr/bin/env python3
"""Check META.json against the PGXN meta spec 1.0.0 and against the extension's control file.

Usage: scripts/check-meta.py [META.json] [--root DIR]

The files META.json names (provides' file and docfile) and the *.control file are looked up in
DIR, which defaults to the folder holding META.json. Prints one TAP-like line per check
("ok N - ..." / "not ok N - ...") and ends with "N passed, M failed"; exits 1 if any check failed.
Standard library only; no network.
"""
import glob
import json
import os
import re
import sys

# The licence keys of the PGXN meta spec 1.0.0 ("license" section).
LICENSES = {
    "agpl_3", "apache_1_1", "apache_2_0", "artistic_1", "artistic_2", "bsd", "freebsd",
    "gfdl_1_2", "gfdl_1_3", "gpl_1", "gpl_2", "gpl_3", "lgpl_2_1", "lgpl_3_0", "mit",
    "mozilla_1_0", "mozilla_1_1", "openssl", "perl_5", "postgresql", "qpl_1_0", "ssleay",
    "sun", "zlib", "open_source", "restricted", "unrestricted", "unknown",
}
REQUIRED = ["name", "abstract", "maintainer", "license", "provides", "meta-spec", "version"]
PHASES = {"configure", "build", "test", "runtime", "develop"}
RELATIONS = {"requires", "recommends", "suggests", "conflicts"}
RELEASE_STATUS = {"stable", "testing", "unstable"}
# Semantic version as PGXN takes it: MAJOR.MINOR.PATCH, an optional pre-release tag after it.
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-?[0-9A-Za-z][0-9A-Za-z-]*)?$")
RANGE_PART = re.compile(r"^(==|!=|>=|<=|>|<)\s*(\S+)$")
BAD_NAME = re.compile(r"[/\\\s\x00-\x1f\x7f]")


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, why=""):
        n = self.passed + self.failed + 1
        if ok:
            self.passed += 1
            print(f"ok {n} - {what}")
        else:
            self.failed += 1
            print(f"not ok {n} - {what}" + (f": {why}" if why else ""))
        return ok


def is_str(v):
    return isinstance(v, str) and v.strip() != ""


def is_semver(v):
    return isinstance(v, str) and SEMVER.match(v) is not None


def range_problem(v):
    """None if v is a PGXN version range ("0", "1.2.0", ">= 1.2.0, < 2.0.0"), else why not."""
    if not isinstance(v, str):
        return f"{v!r} is not a string"
    if v == "0" or is_semver(v):
        return None
    for part in v.split(","):
        m = RANGE_PART.match(part.strip())
        if not m or not is_semver(m.group(2)):
            return f"{part.strip()!r} is neither a semantic version nor an operator and one"
    return None


def license_problem(v):
    if isinstance(v, str):
        return None if v in LICENSES else f"{v!r} is not one of the spec's licence keys"
    if isinstance(v, list) and v:
        bad = [x for x in v if not isinstance(x, str) or x not in LICENSES]
        return None if not bad else f"{bad!r} not among the spec's licence keys"
    if isinstance(v, dict) and v:
        bad = [k for k, url in v.items() if not is_str(url)]
        return None if not bad else f"licence {bad!r} has no URL"
    return f"{v!r} is neither a key, a list of keys nor an object of name: URL"


def control_version(root):
    """(extension name, default_version as semver, problem) from the one *.control file in root."""
    controls = sorted(glob.glob(os.path.join(root, "*.control")))
    if len(controls) != 1:
        return None, None, f"expected one *.control file in {root}, found {len(controls)}"
    name = os.path.basename(controls[0])[: -len(".control")]
    with open(controls[0], encoding="utf-8") as f:
        m = re.search(r"^\s*default_version\s*=\s*'([^']*)'", f.read(), re.M)
    if not m:
        return name, None, f"{controls[0]} has no default_version"
    parts = m.group(1).split(".")
    if not all(p.isdigit() for p in parts) or len(parts) > 3:
        return name, None, f"default_version {m.group(1)!r} is not numeric (like 1.1)"
    return name, ".".join((parts + ["0", "0"])[:3]), None


def main(argv):
    args = argv[1:]
    root = None
    if "--root" in args:
        i = args.index("--root")
        if i + 1 >= len(args):
            print("usage: check-meta.py [META.json] [--root DIR]", file=sys.stderr)
            return 2
        root = args[i + 1]
        del args[i : i + 2]
    meta_path = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "META.json")
    root = root or os.path.dirname(os.path.abspath(meta_path))
    c = Checks()

    try:
        with open(meta_path, encoding="utf-8") as f:
            meta = json.load(f)
        c.check(isinstance(meta, dict), f"{meta_path} is a JSON object")
    except (OSError, ValueError) as e:
        c.check(False, f"{meta_path} parses as JSON", str(e))
        meta = None
    if not isinstance(meta, dict):
        print(f"{c.passed} passed, {c.failed} failed")
        return 1

    for key in REQUIRED:
        c.check(key in meta, f"required field {key!r} is present", "missing")

    name = meta.get("name")
    c.check(is_str(name) and len(name) >= 2 and not BAD_NAME.search(name),
            "name is at least two characters without slashes, spaces or control characters", repr(name))
    c.check(is_str(meta.get("abstract")), "abstract is a non-empty string", repr(meta.get("abstract")))
    if "description" in meta:
        c.check(is_str(meta["description"]), "description is a non-empty string")
    mt = meta.get("maintainer")
    c.check(is_str(mt) or (isinstance(mt, list) and mt and all(is_str(x) for x in mt)),
            "maintainer is a string or a list of strings", repr(mt))
    why = license_problem(meta.get("license"))
    c.check(why is None, "license is from the spec's list", why or "")
    c.check(is_semver(meta.get("version")), "version is a semantic version (X.Y.Z)", repr(meta.get("version")))
    spec = meta.get("meta-spec")
    c.check(isinstance(spec, dict) and spec.get("version") == "1.0.0", "meta-spec.version is 1.0.0", repr(spec))
    if "release_status" in meta:
        c.check(meta["release_status"] in RELEASE_STATUS, "release_status is stable, testing or unstable",
                repr(meta["release_status"]))
    if "tags" in meta:
        tags = meta["tags"]
        c.check(isinstance(tags, list) and all(is_str(t) and len(t) <= 255 and not re.search(r"[/\\\x00-\x1f]", t)
                                               for t in tags),
                "tags is a list of short strings without slashes", repr(tags))
    if "generated_by" in meta:
        c.check(is_str(meta["generated_by"]), "generated_by is a string")
    if "resources" in meta:
        res = meta["resources"]
        repo = res.get("repository") if isinstance(res, dict) else None
        c.check(isinstance(res, dict) and (repo is None or (isinstance(repo, dict) and
                                                            (is_str(repo.get("url")) or is_str(repo.get("web"))))),
                "resources is an object; resources.repository has a url or web", repr(res))
    if "prereqs" in meta:
        pre = meta["prereqs"]
        problems = []
        if not isinstance(pre, dict):
            problems.append("not an object")
        else:
            for phase, rels in pre.items():
                if phase not in PHASES or not isinstance(rels, dict):
                    problems.append(f"phase {phase!r}")
                    continue
                for rel, deps in rels.items():
                    if rel not in RELATIONS or not isinstance(deps, dict):
                        problems.append(f"{phase}.{rel}")
                        continue
                    problems += [f"{phase}.{rel}.{d}: {range_problem(v)}" for d, v in deps.items() if range_problem(v)]
        c.check(not problems, "prereqs: known phases and relations, each version a range", "; ".join(problems))

    provides = meta.get("provides")
    if c.check(isinstance(provides, dict) and provides, "provides is a non-empty object", repr(provides)):
        for ext, p in provides.items():
            ok = isinstance(p, dict) and is_str(p.get("file")) and is_semver(p.get("version"))
            c.check(ok, f"provides.{ext} has a file and a semantic version", repr(p))
            if not isinstance(p, dict):
                continue
            for key in ("file", "docfile"):
                if is_str(p.get(key)):
                    path = os.path.join(root, p[key])
                    c.check(os.path.isfile(path), f"provides.{ext}.{key} {p[key]} exists", f"no file {path}")

    ext, cver, why = control_version(root)
    if c.check(why is None, f"{ext or '?'}.control has a numeric default_version", why or ""):
        c.check(meta.get("version") == cver, f"version {meta.get('version')} agrees with the control's {cver}",
                f"META.json says {meta.get('version')!r}, {ext}.control's default_version means {cver!r}")
        p = provides.get(ext) if isinstance(provides, dict) else None
        if c.check(isinstance(p, dict), f"provides names the control's extension {ext}", "not in provides"):
            c.check(p.get("version") == cver, f"provides.{ext}.version agrees with the control's {cver}",
                    f"provides.{ext}.version is {p.get('version')!r}")

    print(f"{c.passed} passed, {c.failed} failed")
    if c.failed:
        print(f"check-meta: {meta_path} has {c.failed} problem(s); see the 'not ok' lines above", file=sys.stderr)
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
