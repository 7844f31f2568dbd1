# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the installed copy of a collectd conf.d snippet: every line of the
example commented out with one more '#', under a header saying how to turn it
on. Removing the first '#' of every line (sed -i 's/^#//' FILE) gives back the
example exactly, header lines turning into ordinary comments."""

import os
import sys

HEADER = """\
Installed commented out: this file changes nothing until you turn it on.
To turn it on, remove the first '#' of every line:
    sed -i 's/^#//' /etc/collectd/collectd.conf.d/{name}
then edit the block and restart collectd (systemctl restart collectd).
"""


def comment_out(example, name):
    header = "".join("##" + (" " + line if line else "") + "\n"
                     for line in HEADER.format(name=name).splitlines())
    body = "".join("#" + line + "\n" for line in example.splitlines())
    return header + "##\n" + body


def main(source, target):
    with open(source) as f:
        example = f.read()
    with open(target, "w") as f:
        f.write(comment_out(example, os.path.basename(source)))


if __name__ == "__main__":
    main(*sys.argv[1:])
