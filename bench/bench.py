#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Benchmark driver: runs every workload for ctrun, runc, crun and the unshare floor.

bench/run.sh starts this script inside a private mount namespace (see there); do not call it
directly. Timing happens in the C helper bench/measure.c; this script prepares the bundles and
cgroups, interleaves the runtimes, and writes the Markdown and JSON reports.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

CGROUP_ROOT = "/sys/fs/cgroup"
MEMORY_ROOT = os.path.join(CGROUP_ROOT, "memory")
FLOOR = "floor"
WORKLOADS = ["run", "lifecycle", "exec", "concurrent", "memory", "memlimit", "memtree", "size"]
# Namespaces of the shared config (the default of `runc spec`); the floor creates the same ones.
FLOOR_UNSHARE_FLAGS = ["--pid", "--fork", "--mount", "--uts", "--ipc", "--net"]
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
MEMLIMIT_CEILING = 256 << 20


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def first_line(text):
    lines = text.strip().splitlines()
    return lines[0] if lines else ""


class Harness:
    def __init__(self, args):
        self.args = args
        self.workdir = args.workdir
        self.measure = args.measure
        self.rootfs = os.path.join(self.workdir, "rootfs")
        self.stderr_log = os.path.join(self.workdir, "stderr.log")
        self.runtimes = {}  # name -> binary path, for the runtimes that passed the probe
        self.notes = []  # lines for the "missing rows" part of the report
        self.skipped = {}  # (workload, runtime) -> reason
        self.samples = {}  # (metric, runtime) -> list of numbers
        self.failures = {}  # (metric, runtime) -> count
        self.created_cgroup_dirs = []
        self.exec_targets = {}
        self.floor_exec_process = None
        self.base_config = None
        own = self.own_memory_cgroup()
        self.cgroup_base = f"{own.rstrip('/')}/ctrun-bench-{os.getpid()}"

    # ------------------------------------------------------------------ setup

    @staticmethod
    def own_memory_cgroup():
        with open("/proc/self/cgroup") as f:
            for line in f:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                if "memory" in controllers.split(","):
                    return path
        sys.exit("bench: no cgroup v1 memory controller in /proc/self/cgroup; the harness needs one")

    def hierarchies(self):
        """List the cgroup v1 hierarchies and the cgroup2 mount under /sys/fs/cgroup."""
        result = []
        for name in sorted(os.listdir(CGROUP_ROOT)):
            path = os.path.join(CGROUP_ROOT, name)
            if os.path.isdir(path) and not os.path.islink(path):
                result.append(path)
        return result

    def prepare_cgroups(self):
        """Create the base cgroup, with its missing parents, in every hierarchy.

        The runtimes create the absolute cgroupsPath in every hierarchy. Its prefix is our own
        memory cgroup, so in the memory hierarchy every container stays below the cgroup that
        this process started in. The harness makes the base and its parents in the other
        hierarchies too, as a real caller's parents (a systemd slice, a pod's cgroup) exist
        before its containers. Without them the comparison is skewed. runc and crun create
        missing parents once and leave them behind, so they pay for them only in the first
        sample. ctrun removes the parents that it created at delete and makes them again for
        every container. New cpuset levels get the cpus and mems of their parent, as a runtime
        would give them. Only directories that did not exist before the run are removed at the
        end.
        """
        parts = [p for p in self.cgroup_base.split("/") if p]
        for hierarchy in self.hierarchies():
            path = hierarchy
            for part in parts:
                parent, path = path, os.path.join(path, part)
                if os.path.isdir(path):
                    continue
                os.mkdir(path)
                self.created_cgroup_dirs.append(path)
                for name in ["cpuset.cpus", "cpuset.mems"]:
                    source = os.path.join(parent, name)
                    if os.path.exists(source):
                        with open(source) as f:
                            value = f.read().strip()
                        with open(os.path.join(path, name), "w") as f:
                            f.write(value)

    def build_rootfs(self):
        os.makedirs(os.path.join(self.rootfs, "bin"))
        for directory in ["proc", "dev", "sys", "tmp", "etc"]:
            os.makedirs(os.path.join(self.rootfs, directory))
        shutil.copy2(self.args.busybox, os.path.join(self.rootfs, "bin", "busybox"))
        for applet in ["sh", "true", "sleep", "cat"]:
            os.symlink("busybox", os.path.join(self.rootfs, "bin", applet))

    def make_base_config(self):
        """Take the config of `runc spec` (runc's default) as the one config of all runtimes."""
        spec_dir = os.path.join(self.workdir, "spec")
        os.makedirs(spec_dir)
        generator = self.args.runc if os.access(self.args.runc, os.X_OK) else self.args.crun
        subprocess.run([generator, "spec"], cwd=spec_dir, check=True)
        with open(os.path.join(spec_dir, "config.json")) as f:
            config = json.load(f)
        config["process"]["terminal"] = False
        config["process"]["args"] = ["/bin/true"]
        config["root"] = {"path": self.rootfs, "readonly": True}
        self.base_config = config
        self.config_source = f"`{os.path.basename(generator)} spec`"

    def write_bundle(self, name, args=None, cgroup=None, memory_limit=None):
        """Write WORKDIR/bundles/NAME/config.json and returns the bundle directory.

        cgroup is a name below the harness's base cgroup.
        """
        bundle = os.path.join(self.workdir, "bundles", name)
        os.makedirs(bundle, exist_ok=True)
        config = json.loads(json.dumps(self.base_config))
        if args is not None:
            config["process"]["args"] = args
        config["linux"]["cgroupsPath"] = f"{self.cgroup_base}/{cgroup or name}"
        if memory_limit is not None:
            config["linux"].setdefault("resources", {})["memory"] = {"limit": memory_limit}
        with open(os.path.join(bundle, "config.json"), "w") as f:
            json.dump(config, f, indent=1)
        return bundle

    def state_root(self, runtime):
        path = os.path.join(self.workdir, "state", runtime)
        os.makedirs(path, exist_ok=True)
        return path

    def runtime_argv(self, runtime, *argv):
        return [self.runtimes[runtime], "--root", self.state_root(runtime), *argv]

    def floor_command(self, program):
        return ["unshare", *FLOOR_UNSHARE_FLAGS, f"--mount-proc={self.rootfs}/proc",
                "chroot", self.rootfs, *program]

    def probe_runtimes(self):
        """Keep each runtime whose `run` of /bin/true exits 0 in this environment."""
        candidates = [("ctrun", self.args.ctrun), ("runc", self.args.runc), ("crun", self.args.crun)]
        for name, path in candidates:
            if not path or not os.access(path, os.X_OK):
                self.notes.append(f"{name}: no executable at \"{path}\"; every {name} row is missing")
                continue
            self.runtimes[name] = path
            misplaced = self.check_placement(name)
            if misplaced is not None:
                del self.runtimes[name]
                self.notes.append(f"{name}: {misplaced}; every {name} row is missing")
                continue
            bundle = self.write_bundle(f"{name}-probe")
            status, error = self.run_quiet(self.runtime_argv(name, "run", "--bundle", bundle, f"{name}-probe"))
            if status != 0:
                del self.runtimes[name]
                self.notes.append(f"{name}: `run` of /bin/true failed (exit {status}: {error}); "
                                  f"every {name} row is missing")
                self.force_delete(name, f"{name}-probe", path)
                continue
            log(f"{name} ({path}) passed the probe")

    def check_placement(self, runtime):
        """Check that a created container's memory cgroup lies below the harness's base cgroup.

        Returns None when it does, or the reason why not. The container is deleted either way.
        """
        container_id = f"{runtime}-placement"
        bundle = self.write_bundle(container_id)
        pid_file = os.path.join(self.workdir, f"{container_id}.pid")
        status, error = self.run_quiet(self.runtime_argv(runtime, "create", "--bundle", bundle,
                                                         "--pid-file", pid_file, container_id))
        try:
            if status != 0:
                return f"`create` failed with exit {status}: {error}"
            with open(pid_file) as f:
                pid = int(f.read())
            with open(f"/proc/{pid}/cgroup") as f:
                for line in f:
                    _, controllers, path = line.rstrip("\n").split(":", 2)
                    if "memory" in controllers.split(",") and not path.startswith(self.cgroup_base + "/"):
                        return f"the container's memory cgroup is \"{path}\", not below \"{self.cgroup_base}\""
            return None
        finally:
            self.force_delete(runtime, container_id)
            remove_cgroup_trees(self.hierarchies(), f"{self.cgroup_base}/{container_id}")

    def run_quiet(self, argv):
        """Run argv and returns its exit status and the first line of its stderr.

        stderr goes through a file, not a pipe: a container process inherits the runtime's
        stderr and would hold a pipe open long after the runtime has exited.
        """
        error_file = os.path.join(self.workdir, "last-stderr")
        with open(error_file, "w+") as err:
            status = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=err).returncode
            err.seek(0)
            text = err.read()
        with open(self.stderr_log, "a") as log_file:
            log_file.write(text)
        return status, first_line(text)

    def force_delete(self, runtime, container_id, path=None):
        binary = path or self.runtimes.get(runtime)
        subprocess.run([binary, "--root", self.state_root(runtime), "delete", "--force", container_id],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def names(self, with_floor):
        return ([FLOOR] if with_floor else []) + list(self.runtimes)

    # ------------------------------------------------------------- measuring

    def call_measure(self, mode_argv):
        with open(self.stderr_log, "a") as err:
            result = subprocess.run([self.measure, *mode_argv], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=err, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"measure {mode_argv[0]} failed with exit {result.returncode}; its message "
                               f"is in the .stderr.log file beside the report")
        return json.loads(result.stdout)

    def record(self, metric, runtime, value, ok=True):
        if ok:
            self.samples.setdefault((metric, runtime), []).append(value)
        else:
            self.failures[(metric, runtime)] = self.failures.get((metric, runtime), 0) + 1

    def timed(self, argv, cgroup_dir=None):
        mode = ["time", "-e", self.stderr_log]
        if cgroup_dir is not None:
            mode += ["-c", cgroup_dir]
        return self.call_measure(mode + ["--", *argv])

    def workload_run(self, runtime, iteration, record):
        if runtime == FLOOR:
            argv = self.floor_command(["/bin/true"])
        else:
            bundle = self.write_bundle(f"{runtime}-run")
            argv = self.runtime_argv(runtime, "run", "--bundle", bundle, f"{runtime}-run-{iteration}")
        result = self.timed(argv)
        if result["status"] != 0 and runtime != FLOOR:
            self.force_delete(runtime, f"{runtime}-run-{iteration}")
        if record:
            self.record("run", runtime, result["ns"] / 1e6, result["status"] == 0)

    def workload_lifecycle(self, runtime, iteration, record):
        if runtime == FLOOR:
            return
        bundle = self.write_bundle(f"{runtime}-lifecycle")
        container_id = f"{runtime}-lifecycle-{iteration}"
        pid_file = os.path.join(self.workdir, f"{container_id}.pid")
        result = self.call_measure([
            "lifecycle", "-e", self.stderr_log, "-p", pid_file,
            "--", *self.runtime_argv(runtime, "create", "--bundle", bundle, "--pid-file", pid_file, container_id),
            "--", *self.runtime_argv(runtime, "start", container_id),
            "--", *self.runtime_argv(runtime, "delete", container_id)])
        ok = result["create_status"] == 0 and result["start_status"] == 0 and result["delete_status"] == 0
        if not ok:
            self.force_delete(runtime, container_id)
        if record:
            for phase in ["create", "start", "delete"]:
                self.record(f"lifecycle.{phase}", runtime, result[f"{phase}_ns"] / 1e6, ok)
            total = result["create_ns"] + result["start_ns"] + result["delete_ns"]
            self.record("lifecycle.total", runtime, total / 1e6, ok)

    def start_exec_targets(self):
        """Start one long-running container per runtime, plus the floor's unshare process."""
        for runtime in list(self.runtimes):
            container_id = f"{runtime}-exec-target"
            bundle = self.write_bundle(f"{runtime}-exec", args=["/bin/sleep", "100000"])
            status, error = self.run_quiet(self.runtime_argv(runtime, "run", "--detach", "--bundle", bundle,
                                                   container_id))
            if status != 0:
                self.skipped[("exec", runtime)] = f"`run --detach` failed with exit {status}: {error}"
                self.force_delete(runtime, container_id)
                continue
            status, error = self.run_quiet(self.runtime_argv(runtime, "exec", container_id, "/bin/true"))
            if status != 0:
                self.skipped[("exec", runtime)] = f"`exec` failed with exit {status}: {error}"
                self.force_delete(runtime, container_id)
                continue
            self.exec_targets[runtime] = container_id

        with open(self.stderr_log, "a") as err:
            self.floor_exec_process = subprocess.Popen(self.floor_command(["/bin/sleep", "100000"]),
                                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                                       stderr=err)
        self.exec_targets[FLOOR] = self.find_floor_sleep()

    def find_floor_sleep(self):
        """Return the pid of the sleep that unshare forked (its only child) once it exists."""
        children = f"/proc/{self.floor_exec_process.pid}/task/{self.floor_exec_process.pid}/children"
        for _ in range(1000):
            with open(children) as f:
                pids = f.read().split()
            if pids:
                pid = int(pids[0])
                with open(f"/proc/{pid}/comm") as f:
                    if f.read().strip() == "sleep":
                        return pid
            time.sleep(0.005)
        raise RuntimeError("the floor's sleep process did not start within 5 s")

    def stop_exec_targets(self):
        for runtime, target in list(self.exec_targets.items()):
            if runtime != FLOOR:
                self.force_delete(runtime, target)
        if self.floor_exec_process is not None:
            # Killing the pid namespace's init (the sleep) ends the namespace, then unshare exits.
            if FLOOR in self.exec_targets:
                os.kill(self.exec_targets[FLOOR], 9)
            self.floor_exec_process.wait()
            self.floor_exec_process = None
        self.exec_targets.clear()

    def workload_exec(self, runtime, iteration, record):
        if runtime not in self.exec_targets:
            return
        if runtime == FLOOR:
            argv = ["nsenter", "--target", str(self.exec_targets[FLOOR]), "--pid", "--mount", "--uts",
                    "--ipc", "--net", "--root", "--wd", "/bin/true"]
        else:
            argv = self.runtime_argv(runtime, "exec", self.exec_targets[runtime], "/bin/true")
        result = self.timed(argv)
        if record:
            self.record("exec", runtime, result["ns"] / 1e6, result["status"] == 0)

    def workload_concurrent(self, runtime, iteration, record):
        count = self.args.concurrency
        if runtime == FLOOR:
            argv = self.floor_command(["/bin/true"])
        else:
            for slot in range(count):
                self.write_bundle(f"{runtime}-concurrent-{slot}")
            bundle = os.path.join(self.workdir, "bundles", f"{runtime}-concurrent-{{}}")
            argv = self.runtime_argv(runtime, "run", "--bundle", bundle, f"{runtime}-concurrent-{iteration}-{{}}")
        result = self.call_measure(["concurrent", "-n", str(count), "-e", self.stderr_log, "--", *argv])
        ok = result["failures"] == 0
        if not ok and runtime != FLOOR:
            for slot in range(count):
                self.force_delete(runtime, f"{runtime}-concurrent-{iteration}-{slot}")
        if record:
            wall_s = result["wall_ns"] / 1e9
            self.record("concurrent.throughput", runtime, count / wall_s, ok)
            self.record("concurrent.slowest", runtime, max(result["latency_ns"]) / 1e6, ok)
            self.record("concurrent.wall", runtime, result["wall_ns"] / 1e6, ok)

    def make_memory_cgroup(self, name, limit=None):
        path = os.path.join(MEMORY_ROOT, self.cgroup_base.lstrip("/"), name)
        os.mkdir(path)
        if limit is not None:
            with open(os.path.join(path, "memory.limit_in_bytes"), "w") as f:
                f.write(str(limit))
        return path

    def workload_memory(self, runtime, iteration, record):
        """Run `run` of /bin/true inside a fresh memory cgroup, with the container's cgroup below it."""
        name = f"memory-{runtime}-{iteration}"
        cgroup_dir = self.make_memory_cgroup(name)
        try:
            if runtime == FLOOR:
                argv = self.floor_command(["/bin/true"])
            else:
                bundle = self.write_bundle(f"{runtime}-memory", cgroup=f"{name}/container")
                argv = self.runtime_argv(runtime, "run", "--bundle", bundle, f"{runtime}-memory-{iteration}")
            result = self.timed(argv, cgroup_dir)
            if result["status"] != 0 and runtime != FLOOR:
                self.force_delete(runtime, f"{runtime}-memory-{iteration}")
        finally:
            remove_cgroup_trees(self.hierarchies(), f"{self.cgroup_base}/{name}")
        if record:
            ok = result["status"] == 0
            self.record("memory.cgroup_peak", runtime, result["cgroup_peak_bytes"] / 1024, ok)
            self.record("memory.maxrss", runtime, result["maxrss_kib"], ok)

    def limit_applies(self, runtime):
        """Check that the runtime writes linux.resources.memory.limit to its container's cgroup."""
        limit = 96 << 20
        container_id = f"{runtime}-limit-check"
        bundle = self.write_bundle(container_id, memory_limit=limit)
        pid_file = os.path.join(self.workdir, f"{container_id}.pid")
        status, error = self.run_quiet(self.runtime_argv(runtime, "create", "--bundle", bundle, "--pid-file", pid_file,
                                               container_id))
        try:
            if status != 0:
                return f"`create` with a memory limit failed with exit {status}: {error}"
            path = os.path.join(MEMORY_ROOT, self.cgroup_base.lstrip("/"), container_id,
                                "memory.limit_in_bytes")
            try:
                with open(path) as f:
                    written = int(f.read())
            except OSError as error:
                return f"cannot read \"{path}\": {error.strerror}"
            if written != limit:
                return f"linux.resources.memory.limit is not applied ({path} is {written}, expected {limit})"
            return None
        finally:
            self.force_delete(runtime, container_id)
            remove_cgroup_trees(self.hierarchies(), f"{self.cgroup_base}/{container_id}")

    def memlimit_probe(self, runtime, name, limit):
        if runtime == FLOOR:
            cgroup_dir = self.make_memory_cgroup(name, limit)
            try:
                return self.timed(self.floor_command(["/bin/true"]), cgroup_dir)["status"] == 0
            finally:
                remove_cgroup_trees(self.hierarchies(), f"{self.cgroup_base}/{name}")
        bundle = self.write_bundle(f"{runtime}-memlimit", cgroup=name, memory_limit=limit)
        ok = self.timed(self.runtime_argv(runtime, "run", "--bundle", bundle, name))["status"] == 0
        if not ok:
            self.force_delete(runtime, name)
        remove_cgroup_trees(self.hierarchies(), f"{self.cgroup_base}/{name}")
        return ok

    def memtree_probe(self, runtime, name, limit):
        """Run `run` of /bin/true in a fresh memory cgroup limited to limit, the container's cgroup below it."""
        cgroup_dir = self.make_memory_cgroup(name, limit)
        try:
            if runtime == FLOOR:
                return self.timed(self.floor_command(["/bin/true"]), cgroup_dir)["status"] == 0
            bundle = self.write_bundle(f"{runtime}-memtree", cgroup=f"{name}/container")
            ok = self.timed(self.runtime_argv(runtime, "run", "--bundle", bundle, name), cgroup_dir)["status"] == 0
            if not ok:
                self.force_delete(runtime, name)
            return ok
        finally:
            remove_cgroup_trees(self.hierarchies(), f"{self.cgroup_base}/{name}")

    def search_limit(self, metric, runtime, iteration, probe_limit):
        """Binary-search the smallest page-aligned limit under which probe_limit(runtime, name, limit) succeeds."""
        probes = 0

        def probe(limit):
            nonlocal probes
            probes += 1
            return probe_limit(runtime, f"{metric}-{runtime}-{iteration}-{probes}", limit)

        if not probe(MEMLIMIT_CEILING):
            self.record(metric, runtime, None, False)
            return
        low, high = 0, MEMLIMIT_CEILING  # low fails (assumed for 0), high succeeds
        while high - low > PAGE_SIZE:
            middle = (low + high) // 2 // PAGE_SIZE * PAGE_SIZE
            if probe(middle):
                high = middle
            else:
                low = middle
        self.record(metric, runtime, high / 1024)

    def workload_memlimit(self, runtime, iteration, record):
        """Binary-search the smallest page-aligned memory limit under which `run` exits 0."""
        if not record or ("memlimit", runtime) in self.skipped:
            return
        self.search_limit("memlimit", runtime, iteration, self.memlimit_probe)

    def workload_memtree(self, runtime, iteration, record):
        """Binary-search the smallest limit of a memory cgroup that contains the runtime and the container."""
        if record:
            self.search_limit("memtree", runtime, iteration, self.memtree_probe)

    # ---------------------------------------------------------------- driver

    def run_iterations(self, workloads):
        names_all = self.names(with_floor=True)
        total = self.args.iterations
        try:
            if "exec" in workloads:
                self.start_exec_targets()
            if "memlimit" in workloads:
                for runtime in self.runtimes:
                    reason = self.limit_applies(runtime)
                    if reason is not None:
                        self.skipped[("memlimit", runtime)] = reason
            # Iteration -1 is the warm-up: it fills the page cache and is not recorded.
            for iteration in range(-1, total):
                shift = iteration % len(names_all)
                order = names_all[shift:] + names_all[:shift]
                log(f"iteration {iteration + 1}/{total}" if iteration >= 0 else "warm-up")
                for workload in workloads:
                    method = getattr(self, f"workload_{workload}", None)
                    if method is None:
                        continue
                    for runtime in order:
                        method(runtime, iteration, iteration >= 0)
        finally:
            if "exec" in workloads:
                self.stop_exec_targets()

    def trace_ctrun(self):
        """Run ctrun once more with --trace, outside the measurements, and return its records.

        The records show where the time of one `run` of /bin/true goes (docs/trace.md). Returns
        None when ctrun is not in the run or when the traced run fails, with a note.
        """
        if "ctrun" not in self.runtimes:
            return None
        bundle = self.write_bundle("ctrun-trace")
        trace_file = os.path.join(self.workdir, "trace.jsonl")
        status, error = self.run_quiet(self.runtime_argv("ctrun", "--trace", trace_file, "run", "--bundle",
                                                         bundle, "ctrun-trace"))
        if status != 0 or not os.path.exists(trace_file):
            self.notes.append(f"trace, ctrun: `--trace FILE run` failed with exit {status}: {error}")
            self.force_delete("ctrun", "ctrun-trace")
            return None
        with open(trace_file) as f:
            return [json.loads(line) for line in f if line.strip()]

    def cleanup(self):
        for runtime in self.runtimes:
            state = self.state_root(runtime)
            for container_id in os.listdir(state):
                self.force_delete(runtime, container_id)
        remove_cgroup_trees(self.hierarchies(), self.cgroup_base)
        for path in reversed(self.created_cgroup_dirs):
            try:
                os.rmdir(path)
            except FileNotFoundError:
                pass
            except OSError as error:
                log(f"cannot remove cgroup \"{path}\": {error.strerror}")


def remove_cgroup_trees(hierarchies, relative):
    """Remove the cgroup RELATIVE and every cgroup below it, deepest first, in every hierarchy."""
    for hierarchy in hierarchies:
        top = os.path.join(hierarchy, relative.lstrip("/"))
        if not os.path.isdir(top):
            continue
        for directory, _, _ in sorted(os.walk(top), key=lambda entry: -entry[0].count("/")):
            for attempt in range(50):
                try:
                    os.rmdir(directory)
                    break
                except FileNotFoundError:
                    break
                except OSError as error:
                    # A cgroup whose last process has just exited is briefly still busy.
                    if attempt == 49:
                        log(f"cannot remove cgroup \"{directory}\": {error.strerror}")
                    time.sleep(0.01)


# -------------------------------------------------------------------- report

METRICS = [
    # metric, label, unit
    ("run", "`run` /bin/true", "ms"),
    ("lifecycle.total", "create + start + delete", "ms"),
    ("lifecycle.create", "create + start + delete: create", "ms"),
    ("lifecycle.start", "create + start + delete: start", "ms"),
    ("lifecycle.delete", "create + start + delete: delete", "ms"),
    ("exec", "`exec` /bin/true", "ms"),
    ("concurrent.throughput", "concurrent `run`: throughput", "containers/s, higher is better"),
    ("concurrent.slowest", "concurrent `run`: slowest", "ms"),
    ("memory.cgroup_peak", "peak memory (cgroup)", "KiB"),
    ("memory.maxrss", "peak RSS of one process", "KiB"),
    ("memlimit", "smallest memory limit for `run`", "KiB"),
    ("memtree", "smallest limit for the runtime and container", "KiB"),
]


def percentile(values, fraction):
    """Return the nearest-rank percentile of values."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def summarize(harness):
    summary = {}
    for (metric, runtime), values in harness.samples.items():
        summary.setdefault(metric, {})[runtime] = {
            "median": statistics.median(values),
            "p90": percentile(values, 0.9),
            "min": min(values),
            "max": max(values),
            "n": len(values),
            "failures": harness.failures.get((metric, runtime), 0),
            "samples": values,
        }
    for (metric, runtime), count in harness.failures.items():
        entry = summary.setdefault(metric, {}).setdefault(runtime, {"n": 0, "samples": []})
        entry["failures"] = count
    return summary


def ratio(summary, metric, numerator, denominator):
    row = summary.get(metric, {})
    if "median" not in row.get(numerator, {}) or "median" not in row.get(denominator, {}):
        return None
    if not row[denominator]["median"]:
        return None
    return row[numerator]["median"] / row[denominator]["median"]


def format_number(value):
    if value is None:
        return "–"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def file_sizes(path):
    """Return the size of a binary, of a stripped copy, and of the shared libraries it loads."""
    real = os.path.realpath(path)
    info = {"path": path, "real_path": real, "bytes": os.path.getsize(real)}
    stripped = f"/tmp/bench-strip-{os.getpid()}"
    if subprocess.run(["strip", "-o", stripped, real], capture_output=True).returncode == 0:
        info["stripped_bytes"] = os.path.getsize(stripped)
        os.unlink(stripped)
    libraries = {}
    ldd = subprocess.run(["ldd", real], capture_output=True, text=True)
    for line in ldd.stdout.splitlines():
        if "=>" in line:
            target = line.split("=>")[1].split("(")[0].strip()
            if target and os.path.exists(target):
                libraries[os.path.basename(target)] = os.path.getsize(os.path.realpath(target))
    info["libraries"] = libraries
    info["libraries_bytes"] = sum(libraries.values())
    return info


def find_libct(ctrun_path):
    """Return the path of libct.so in ctrun's build tree or install prefix, or None."""
    binary_dir = os.path.dirname(os.path.realpath(ctrun_path))
    for directory in ["../libct", "../lib", "../lib64", "../lib/x86_64-linux-gnu"]:
        candidate = os.path.normpath(os.path.join(binary_dir, directory, "libct.so.0"))
        if os.path.exists(candidate):
            return candidate
    return None


def machine_info():
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        memory_kib = int(f.readline().split()[1])
    return {"cpu": model, "cores": os.cpu_count(), "kernel": platform.release(),
            "memory_mib": memory_kib // 1024, "hostname": platform.node()}


def runtime_version(path):
    result = subprocess.run([path, "--version"], capture_output=True, text=True)
    return " ".join(result.stdout.split("\n")[:2]).strip() or first_line(result.stderr)


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def render_header(report):
    machine = report["machine"]
    lines = [f"Run of {report['date']}: {report['iterations']} iterations, "
             f"{report['concurrency']} concurrent containers.", "",
             f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_mib']} MiB, "
             f"Linux {machine['kernel']}.", ""]
    for name, version in report["versions"].items():
        lines.append(f"- {name}: {version}")
    lines.append(f"- load average before: {report['load_before']}, after: {report['load_after']}")
    lines.append(f"- config: {report['config']}; passed the probe (`run` of /bin/true in the private "
                 f"mount namespace): {', '.join(report['probed']) or 'none'}")
    return lines


def render_cell(entry):
    if entry is None or "median" not in entry:
        failed = entry.get("failures", 0) if entry else 0
        return f"failed ({failed})" if failed else "–"
    text = f"{format_number(entry['median'])} ({format_number(entry['p90'])})"
    if entry.get("failures"):
        text += f", {entry['failures']} failed"
    return text


def render_results(report):
    names = report["columns"]
    lines = ["| workload | unit | " + " | ".join(f"{name} median (p90)" for name in names)
             + " | ctrun/runc | ctrun/crun |",
             "|" + "---|" * (len(names) + 4)]
    for metric, label, unit in METRICS:
        row = report["results"].get(metric)
        if not row:
            continue
        cells = [render_cell(row.get(name)) for name in names]
        ratios = report["ratios"].get(metric, {})
        cells += [format_number(ratios.get("ctrun/runc")), format_number(ratios.get("ctrun/crun"))]
        lines.append(f"| {label} | {unit} | " + " | ".join(cells) + " |")
    return lines


def render_sizes(report):
    lines = ["| file | bytes | stripped bytes | shared libraries it loads | their bytes |",
             "|---|---|---|---|---|"]
    for name, info in report["sizes"].items():
        lines.append(f"| {name} | {info['bytes']} | {info.get('stripped_bytes', '–')} | "
                     f"{len(info['libraries'])} | {info['libraries_bytes']} |")
    return lines


def render_trace(records):
    """Render the records of one traced ctrun `run` as a table, in the order of the file."""
    runtime_pid = next((r["pid"] for r in records if r["phase"] == "command"), None)
    lines = ["One traced `run` of /bin/true by ctrun (`ctrun --trace FILE run`, outside the measurements;",
             "times in microseconds from the start of the command):", "",
             "| process | phase | detail | start | duration |", "|---|---|---|---|---|"]
    for record in records:
        process = "ctrun" if record["pid"] == runtime_pid else "init"
        lines.append(f"| {process} | {record['phase']} | {record.get('detail', '')} | {record['start_us']} "
                     f"| {record['duration_us']} |")
    return lines


def render_markdown(report):
    lines = render_header(report)
    lines += [""] + render_results(report)
    if report["sizes"]:
        lines += [""] + render_sizes(report)
    if report.get("trace"):
        lines += [""] + render_trace(report["trace"])
    if report["notes"]:
        lines += ["", "Missing rows and cells:", ""]
        lines += [f"- {note}" for note in report["notes"]]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--ctrun", default="")
    parser.add_argument("--runc", default="/usr/sbin/runc")
    parser.add_argument("--crun", default="/usr/bin/crun")
    parser.add_argument("--busybox", default="/bin/busybox")
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--measure", required=True)
    parser.add_argument("--output", required=True, help="path of the reports without the extension")
    args = parser.parse_args()

    workloads = [w for w in args.workloads.split(",") if w]
    unknown = [w for w in workloads if w not in WORKLOADS]
    if unknown:
        sys.exit(f"bench: unknown workload \"{unknown[0]}\"; expected some of {', '.join(WORKLOADS)}")

    harness = Harness(args)
    load_before = load_average()
    started = datetime.datetime.now(datetime.timezone.utc)
    trace = None
    try:
        harness.prepare_cgroups()
        harness.build_rootfs()
        harness.make_base_config()
        harness.probe_runtimes()
        harness.run_iterations(workloads)
        trace = harness.trace_ctrun()
    finally:
        harness.cleanup()
        if os.path.exists(harness.stderr_log) and os.path.getsize(harness.stderr_log) > 0:
            shutil.copyfile(harness.stderr_log, args.output + ".stderr.log")
            log(f"the runtimes' error output is in {args.output}.stderr.log")
    load_after = load_average()

    for (workload, runtime), reason in sorted(harness.skipped.items()):
        harness.notes.append(f"{workload}, {runtime}: {reason}")
    if "lifecycle" in workloads:
        harness.notes.append("create + start + delete, floor: unshare has no separate create and start")

    summary = summarize(harness)
    ratios = {}
    for metric in summary:
        ratios[metric] = {"ctrun/runc": ratio(summary, metric, "ctrun", "runc"),
                          "ctrun/crun": ratio(summary, metric, "ctrun", "crun")}
    sizes = {}
    if "size" in workloads:
        for name, path in [("ctrun", args.ctrun), ("runc", args.runc), ("crun", args.crun)]:
            if path and os.access(path, os.X_OK):
                sizes[name] = file_sizes(path)
        libct = find_libct(args.ctrun) if args.ctrun else None
        if libct is not None:
            sizes["libct.so (not loaded by ctrun)"] = file_sizes(libct)
    versions = {name: runtime_version(path) for name, path in
                [("ctrun", args.ctrun), ("runc", args.runc), ("crun", args.crun)]
                if path and os.access(path, os.X_OK)}
    versions["unshare (floor)"] = first_line(subprocess.run(["unshare", "--version"], capture_output=True,
                                                            text=True).stdout)
    report = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "iterations": args.iterations,
        "concurrency": args.concurrency,
        "workloads": workloads,
        "machine": machine_info(),
        "versions": versions,
        "config": harness.config_source,
        "config_json": harness.base_config,
        "load_before": load_before,
        "load_after": load_after,
        "columns": [FLOOR, "ctrun", "runc", "crun"],
        "results": summary,
        "ratios": ratios,
        "sizes": sizes,
        "notes": harness.notes,
        "probed": list(harness.runtimes),
        "trace": trace,
    }
    markdown = render_markdown(report)
    with open(args.output + ".json", "w") as f:
        json.dump(report, f, indent=1)
    with open(args.output + ".md", "w") as f:
        f.write(markdown)
    print(markdown)
    log(f"wrote {args.output}.md and {args.output}.json")


if __name__ == "__main__":
    main()
