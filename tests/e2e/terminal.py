"""Running a command on a pseudo-terminal, for the tests of what cairn draws only on a terminal
(progress bars)."""
import os
import pty


def run_in_pty(argv, cwd, env):
    """Runs argv (argv[0] an absolute path) in cwd with env on a new pty; returns
    (exit code, everything it wrote, decoded as UTF-8 with replacement)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.execve(argv[0], argv, env)
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8", "replace")
