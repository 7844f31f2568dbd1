# SPDX-License-Identifier: GPL-2.0-or-later
"""The cqm-store program, run as a real process on a real store: FireBrick csv
import (all or nothing, bad rows named by line), ls, dump (text and csv, by
local day), fsck (exit code, --set-aside), rm, and its usage/store errors with
their documented exit codes."""

import datetime
import fcntl
import os
import shutil
import struct
import subprocess
import tempfile
import unittest

CQM_STORE = os.environ["FBCQM_CQM_STORE"]
TESTDATA = os.path.join(os.environ["FBCQM_SOURCE_ROOT"], "cqm-exporter", "cqm-store", "testdata")

OK, BROKEN, USAGE, NOT_FOUND, BAD_INPUT, STORE_ERROR, NEEDS_YES = 0, 1, 2, 3, 4, 5, 6


class CqmStoreCliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cqm-store-cli-", dir=os.environ.get("FBCQM_TEST_TMPDIR"))
        self.store = os.path.join(self.tmp, "store")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_cli(self, *args, tz="Europe/London", store=True, timeout=60):
        env = dict(os.environ, TZ=tz)
        env.pop("CQM_STORE", None)
        argv = [CQM_STORE] + (["--store", self.store] if store else []) + list(args)
        return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def import_sample(self):
        result = self.run_cli("import", "BBEU02778114", os.path.join(TESTDATA, "firebrick-aa-sample.csv"))
        self.assertEqual(result.returncode, OK, result.stderr)
        return result

    def test_import_then_ls_and_dump(self):
        result = self.import_sample()
        self.assertIn("imported 2 samples into BBEU02778114", result.stdout)

        ls = self.run_cli("ls")
        self.assertEqual(ls.returncode, OK, ls.stderr)
        rows = [line.split() for line in ls.stdout.splitlines()]
        self.assertEqual(rows[0][:4], ["NAME", "KIND", "RETENTION", "FIRST"])
        self.assertEqual(rows[1][:7], ["BBEU02778114", "both", "6048", "2017-09-12", "08:00:00", "2017-09-12",
                                       "08:01:40"])

        dump = self.run_cli("dump", "BBEU02778114")
        self.assertEqual(dump.returncode, OK, dump.stderr)
        self.assertEqual(dump.stdout.splitlines(), [
            "2017-09-12 08:00:00 t=1505199600 sent=100 failed=0 min=6376000 avg=6807000 max=7345000 "
            "rx=19670 tx=278400 offline=0",
            "2017-09-12 08:01:40 t=1505199700 sent=100 failed=0 min=6412000 avg=6899000 max=9343000 "
            "rx=19190 tx=294300 offline=0",
        ])
        # The same samples shown in another time zone: same t=, other wall-clock time.
        utc = self.run_cli("dump", "BBEU02778114", tz="UTC")
        self.assertTrue(utc.stdout.startswith("2017-09-12 07:00:00 t=1505199600 "), utc.stdout)

        # --csv gives FireBrick's format back (Score left empty), by local day.
        csv = self.run_cli("dump", "BBEU02778114", "--date", "2017-09-12", "--csv")
        self.assertEqual(csv.returncode, OK, csv.stderr)
        with open(os.path.join(TESTDATA, "firebrick-aa-sample.csv"), encoding="utf-8") as f:
            original = [line.rstrip("\r\n") for line in f]
        self.assertEqual(csv.stdout.splitlines(), [original[0]] + [row[:row.rindex(",") + 1] for row in original[1:]])
        self.assertEqual(self.run_cli("dump", "BBEU02778114", "--date", "2017-09-13").stdout, "")

    def test_bad_rows_are_listed_and_nothing_is_imported(self):
        result = self.run_cli("import", "line1", os.path.join(TESTDATA, "bad-rows.csv"))
        self.assertEqual(result.returncode, BAD_INPUT)
        errors = [line for line in result.stderr.splitlines() if "bad-rows.csv:" in line]
        self.assertEqual([e.split(":")[1] for e in errors], ["3", "5", "6"], result.stderr)
        self.assertIn("%fail", errors[0])
        self.assertIn("100-second", errors[1])
        self.assertIn("min <= average <= max", errors[2])
        self.assertIn("nothing imported", result.stderr)
        self.assertEqual(self.run_cli("dump", "line1").returncode, STORE_ERROR)  # not even a store yet
        self.import_sample()
        self.assertEqual(self.run_cli("dump", "line1").returncode, NOT_FOUND)

    def test_import_input_errors(self):
        self.assertEqual(self.run_cli("import", "g", os.path.join(self.tmp, "missing.csv")).returncode, BAD_INPUT)
        self.assertEqual(self.run_cli("import", "g", self.tmp).returncode, BAD_INPUT)  # a directory
        fifo = os.path.join(self.tmp, "fifo.csv")
        os.mkfifo(fifo)  # nobody writes into it: opening it for reading must not wait
        result = self.run_cli("import", "g", fifo, timeout=10)
        self.assertEqual(result.returncode, BAD_INPUT, result.stderr)
        self.assertIn("fifo.csv is not a regular file", result.stderr)
        not_csv = self.write("x.csv", "hello\n")
        result = self.run_cli("import", "g", not_csv)
        self.assertEqual(result.returncode, BAD_INPUT)
        self.assertIn(":1: not a FireBrick CQM csv header", result.stderr)
        # Rows further apart than the retention would be cut: refused as a whole.
        header = "Time,Period,Polls Sent,%Fail,Latency Min,Av,Max,Traffic (bit/s) Rx,Tx,Score\n"
        wide = self.write("wide.csv", header + "2024-01-01 00:00:00,100,1,0,1,1,1,,,\n"
                                               "2024-03-01 00:00:00,100,1,0,1,1,1,,,\n")
        result = self.run_cli("import", "wide", wide, tz="UTC")
        self.assertEqual(result.returncode, BAD_INPUT, result.stderr)
        self.assertIn("--retention", result.stderr)
        result = self.run_cli("import", "wide", wide, "--retention", "100000", tz="UTC")
        self.assertEqual(result.returncode, OK, result.stderr)
        self.assertEqual(len(self.run_cli("dump", "wide", tz="UTC").stdout.splitlines()), 2)
        self.assertEqual(self.run_cli("import", "w2", wide, "--retention", "999").returncode, USAGE)

    def test_rows_in_the_future_are_refused_as_a_whole(self):
        # A file whose last row lies two days ahead (a wrong TZ, a bad export): without the
        # check, the first row would be written and the writer would stop at the second.
        today = datetime.datetime.now(datetime.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
        rows = [(today - datetime.timedelta(days=1)), (today + datetime.timedelta(days=2))]
        header = "Time,Period,Polls Sent,%Fail,Latency Min,Av,Max,Traffic (bit/s) Rx,Tx,Score\n"
        future = self.write("future.csv", header + "".join(
            row.strftime("%Y-%m-%d %H:%M:%S") + ",100,1,0,1,1,1,,,\n" for row in rows))
        result = self.run_cli("import", "future", future, tz="UTC")
        self.assertEqual(result.returncode, BAD_INPUT, result.stderr)
        self.assertIn("in the future (up to " + rows[1].strftime("%Y-%m-%d %H:%M:%S") + ")", result.stderr)
        self.assertIn("nothing imported", result.stderr)
        self.assertEqual(self.run_cli("dump", "future").returncode, STORE_ERROR)  # not even a store yet

    def test_fsck_reports_and_sets_aside(self):
        self.import_sample()
        self.assertEqual(self.run_cli("import", "second", os.path.join(TESTDATA, "firebrick-aa-sample.csv"))
                         .returncode, OK)
        clean = self.run_cli("fsck")
        self.assertEqual(clean.returncode, OK, clean.stdout + clean.stderr)
        self.assertIn("2 file(s): 2 ok, 0 corrupt, 0 damaged, 0 stray; 4 samples", clean.stdout)

        path = os.path.join(self.store, "graphs", "second.cqm")
        with open(path, "r+b") as f:
            f.seek(0)
            f.write(b"JUNK")
        broken = self.run_cli("fsck")
        self.assertEqual(broken.returncode, BROKEN)
        self.assertIn("second.cqm: corrupt: ", broken.stdout)
        self.assertTrue(os.path.exists(path))  # read-only without --set-aside
        self.assertEqual(self.run_cli("dump", "second").returncode, STORE_ERROR)

        aside = self.run_cli("fsck", "--set-aside")
        self.assertEqual(aside.returncode, BROKEN)  # it was broken, even if now set aside
        self.assertIn("set aside as " + os.path.join(self.store, "corrupt", "second.cqm."), aside.stdout)
        self.assertFalse(os.path.exists(path))
        self.assertEqual(len(os.listdir(os.path.join(self.store, "corrupt"))), 1)
        self.assertEqual(self.run_cli("fsck").returncode, OK)
        self.assertEqual(self.run_cli("dump", "BBEU02778114").returncode, OK)

    def test_fsck_repairs_a_damaged_sample_in_place(self):
        self.import_sample()
        before = self.run_cli("dump", "BBEU02778114").stdout.splitlines()
        self.assertEqual(len(before), 2)
        path = os.path.join(self.store, "graphs", "BBEU02778114.cqm")
        with open(path, "rb") as f:
            retention = struct.unpack_from("<I", f.read(128), 20)[0]
        slot = 128 + 40 * ((1505199700 // 100) % retention)  # the second sample (08:01:40 BST)
        with open(path, "r+b") as f:
            f.seek(slot + 12)  # inside the latency minimum: the slot's CRC no longer matches
            f.write(b"\xee")
        broken = self.run_cli("fsck")
        self.assertEqual(broken.returncode, BROKEN)
        self.assertIn("BBEU02778114.cqm: damaged: 1 damaged sample(s)", broken.stdout)
        self.assertEqual(self.run_cli("dump", "BBEU02778114").stdout.splitlines(), before[:1])  # skipped

        repaired = self.run_cli("fsck", "--set-aside")
        self.assertEqual(repaired.returncode, BROKEN)  # it was broken, even if now repaired
        self.assertIn("BBEU02778114.cqm: repaired: 1 damaged slot(s) emptied", repaired.stdout)
        self.assertTrue(os.path.exists(path))  # the graph keeps its history
        self.assertEqual(os.listdir(os.path.join(self.store, "corrupt")), [])
        clean = self.run_cli("fsck")
        self.assertEqual(clean.returncode, OK, clean.stdout)
        self.assertIn("1 file(s): 1 ok, 0 corrupt, 0 damaged, 0 stray; 1 samples", clean.stdout)
        self.assertEqual(self.run_cli("dump", "BBEU02778114").stdout.splitlines(), before[:1])

    def test_resize_says_what_it_drops_and_needs_yes_to_drop_it(self):
        self.import_sample()  # 2 samples, default ring
        header = "Time,Period,Polls Sent,%Fail,Latency Min,Av,Max,Traffic (bit/s) Rx,Tx,Score\n"
        wide = self.write("wide.csv", header + "2024-01-01 00:00:00,100,1,0,1,1,1,,,\n"
                                               "2024-03-01 00:00:00,100,1,0,1,1,1,,,\n")
        self.assertEqual(self.run_cli("import", "wide", wide, "--retention", "100000", tz="UTC").returncode, OK)
        before = [self.run_cli(*args).stdout for args in (["ls"], ["dump", "wide"], ["dump", "BBEU02778114"])]

        # Shrinking without --yes: the plan is shown, nothing changes.
        refused = self.run_cli("resize", "wide", "--retention", "2000", tz="UTC")
        self.assertEqual(refused.returncode, NEEDS_YES, refused.stderr)
        self.assertIn("wide: 100000 -> 2000 samples: drops 1 stored samples (2024-01-01 00:00:00 to before", refused.stdout)
        self.assertIn("would drop 1 stored samples; run again with --yes", refused.stderr)
        refused_all = self.run_cli("resize", "--all", "--retention", "2000")
        self.assertEqual(refused_all.returncode, NEEDS_YES)
        self.assertIn("BBEU02778114: 6048 -> 2000 samples: keeps every stored sample", refused_all.stdout)
        self.assertEqual([self.run_cli(*args).stdout for args in (["ls"], ["dump", "wide"], ["dump", "BBEU02778114"])],
                         before)

        # With --yes: done, and only the announced sample is gone.
        done = self.run_cli("resize", "--all", "--retention", "2000", "--yes")
        self.assertEqual(done.returncode, OK, done.stderr)
        self.assertIn("resized 2 graph(s), dropped 1 samples", done.stdout)
        self.assertEqual([row.split()[2] for row in self.run_cli("ls").stdout.splitlines()[1:]], ["2000", "2000"])
        self.assertEqual(self.run_cli("dump", "wide").stdout, before[1].splitlines(True)[1])
        self.assertEqual(self.run_cli("dump", "BBEU02778114").stdout, before[2])

        # Growing drops nothing and needs no --yes.
        grown = self.run_cli("resize", "wide", "--retention", "200000")
        self.assertEqual(grown.returncode, OK, grown.stderr)
        self.assertIn("wide: 2000 -> 200000 samples: keeps every stored sample", grown.stdout)

        for args, code in ((["resize", "nothere", "--retention", "2000"], NOT_FOUND),
                           (["resize", "--retention", "2000"], USAGE),
                           (["resize", "wide", "--all", "--retention", "2000"], USAGE),
                           (["resize", "wide"], USAGE),
                           (["resize", "wide", "--retention", "999"], USAGE),
                           (["resize", "../x", "--retention", "2000"], USAGE),
                           (["ls", "--yes"], USAGE)):
            with self.subTest(args=args):
                self.assertEqual(self.run_cli(*args).returncode, code)

    def test_rm(self):
        self.import_sample()
        self.assertEqual(self.run_cli("rm", "BBEU02778114").returncode, OK)
        self.assertEqual(self.run_cli("dump", "BBEU02778114").returncode, NOT_FOUND)
        self.assertEqual(self.run_cli("rm", "BBEU02778114").returncode, NOT_FOUND)
        self.assertEqual(self.run_cli("rm", "../../etc").returncode, USAGE)

    def test_usage_and_store_errors(self):
        self.assertEqual(self.run_cli("--help").returncode, OK)
        self.assertEqual(self.run_cli().returncode, USAGE)
        self.assertEqual(self.run_cli("frobnicate").returncode, USAGE)
        self.assertEqual(self.run_cli("ls", "--bogus").returncode, USAGE)
        self.assertEqual(self.run_cli("ls", "--set-aside").returncode, USAGE)
        self.assertEqual(self.run_cli("dump").returncode, USAGE)
        self.assertEqual(self.run_cli("dump", "x", "--date", "2023-02-29").returncode, USAGE)
        invalid = self.run_cli("dump", "has space")
        self.assertEqual(invalid.returncode, USAGE)
        self.assertIn("the rule would make it 'hasspace'", invalid.stderr)
        self.assertEqual(self.run_cli("ls", store=False).returncode, USAGE)
        # A directory that is not a store is never touched, let alone turned into one.
        os.makedirs(os.path.join(self.tmp, "other"))
        for args in (["ls"], ["fsck"], ["rm", "x"], ["dump", "x"]):
            result = subprocess.run([CQM_STORE, "--store", os.path.join(self.tmp, "other")] + args,
                                    capture_output=True, text=True, timeout=60)
            self.assertEqual(result.returncode, STORE_ERROR, args)
            self.assertIn("not a CQM store", result.stderr)
        self.assertEqual(os.listdir(os.path.join(self.tmp, "other")), [])

    def test_a_running_writer_keeps_import_and_rm_out(self):
        self.import_sample()
        # Hold the writer lock the way a running collectd would (an open-file-description lock).
        fd = os.open(os.path.join(self.store, "writer.lock"), os.O_RDWR)
        try:
            fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("hh4xqqi4x", fcntl.F_WRLCK, 0, 0, 0, 0))
            for args in (["rm", "BBEU02778114"], ["resize", "BBEU02778114", "--retention", "2000", "--yes"],
                         ["import", "x", os.path.join(TESTDATA, "firebrick-aa-sample.csv")],
                         ["fsck", "--set-aside"]):
                result = self.run_cli(*args)
                self.assertEqual(result.returncode, STORE_ERROR, args)
                self.assertIn("in use by another writer", result.stderr)
            # Readers are never blocked.
            self.assertEqual(self.run_cli("dump", "BBEU02778114").returncode, OK)
            fsck = self.run_cli("fsck")
            self.assertEqual(fsck.returncode, OK)
            self.assertIn("a writer is running", fsck.stdout)
        finally:
            os.close(fd)
        self.assertEqual(self.run_cli("rm", "BBEU02778114").returncode, OK)


if __name__ == "__main__":
    unittest.main()
