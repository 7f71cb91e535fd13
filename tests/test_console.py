"""`clubbot console --demo`, driven as a person would: commands on standard input, the bot's answers printed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_console(tmp_path: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "CLUBBOT_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "console", *args],
        input=script,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_console_demo_answers_club_help_in_the_persons_language(tmp_path):
    result = run_console(tmp_path, "/club help\n:as david\n/club help\n:quit\n", "--demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # the secretariat admin (Korean locale) sees Korean help in the demo club's channel
    assert "[secretariat in #xlab-quantum-hardware-club]> /club help" in out
    assert "clubbot: X-Lab Day 클럽의 교류를 이어 가는 도우미" in out
    # David (English locale) sees English
    assert "You are now @david." in out
    assert "clubbot: keeping your X-Lab Day club working together" in out
    assert "Traceback" not in out + result.stderr


def test_console_demo_seeds_people_and_a_club_once(tmp_path):
    first = run_console(tmp_path, ":people\n:channels\n:quit\n", "--demo")
    assert first.returncode == 0, first.stderr
    assert "@seoyeon" in first.stdout and "@hiroshi" in first.stdout
    assert "(secretariat admin)" in first.stdout
    assert "#xlab-quantum-hardware-club" in first.stdout
    # the workspace and database persist; seeding again changes nothing
    second = run_console(tmp_path, ":channels\n:quit\n", "--demo")
    assert second.stdout.count("#xlab-quantum-hardware-club ") == 1  # one channel, not two
    fresh = run_console(tmp_path, ":channels\n:quit\n", "--fresh")
    assert "#xlab-quantum-hardware-club" not in fresh.stdout


def test_console_explains_unknown_input(tmp_path):
    result = run_console(tmp_path, "hello\n:frob\n:quit\n")
    assert "Type /club ... or a console command (:help)." in result.stdout
    assert "Unknown console command :frob. Type :help." in result.stdout


def test_console_demo_discovers_the_leaders_joint_paper(tmp_path):
    result = run_console(tmp_path, ":quit\n", "--demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Joint papers discovered (OpenAlex stand-in):" in out
    assert "10.5555/xlab.demo.2026.001" in out and "Error-corrected superconducting qubits" in out
    assert "[international: KR, US]" in out and "1 suggestion(s) stored, 2 DM(s) to leaders queued" in out
    assert "xlab.demo.2026.002" not in out  # a single-author paper is not the club's
