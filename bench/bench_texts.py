"""Comparing texts (services/toolkits/texts.py): how long one clause-level comparison
takes for a real-sized ordinance (about 30 sections, 15 KB), for the largest text it
accepts (200,000 characters, 500 sections) and for a hostile one of the same size (every
line different, difflib's worst case), against the baseline of two identical real-sized
texts in the same run. The comparison is pure CPU: no broker, no store."""
import random
import time

from harness import percentiles  # also puts the repo on the path

from services.toolkits import texts  # noqa: E402

random.seed(13)
WORDS = ("employer employee hour leave paid sick city ordinance section shall may accrue year worker "
         "business notice record retaliation enforcement penalty day wage").split()


def sentence(n=14):
    return " ".join(random.choice(WORDS) for _ in range(n)).capitalize() + "."


def ordinance(sections, lines_per_section):
    return "\n\n".join(f"## Section {i}. {sentence(3)[:-1]}\n" + "\n".join(sentence() for _ in range(lines_per_section))
                       for i in range(1, sections + 1))


def edited(text, share=0.2):
    lines = text.splitlines()
    for i in random.sample(range(len(lines)), int(len(lines) * share)):
        if not lines[i].startswith("#"):
            lines[i] = sentence()
    return "\n".join(lines)


def timed(left, right, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        texts.compare(left, right)
        samples.append(time.perf_counter() - start)
    found = percentiles(samples)
    return found["p50"] / 1000, found["p99"] / 1000


def main():
    real = ordinance(30, 4)
    biggest = ordinance(480, 3)[: texts.MAX_COMPARE]
    hostile_left = "\n".join(f"line {i} {sentence(4)}" for i in range(6000))[: texts.MAX_COMPARE]
    hostile_right = "\n".join(f"other {i} {sentence(4)}" for i in range(6000))[: texts.MAX_COMPARE]
    cases = {
        "identical, real-sized (baseline)": (real, real, 200),
        "20% of lines changed, real-sized": (real, edited(real), 200),
        "20% changed, largest accepted": (biggest, edited(biggest), 10),
        "every line different, largest accepted": (hostile_left, hostile_right, 5),
    }
    base = None
    print(f"{'case':42} {'chars':>8} {'p50 ms':>9} {'p99 ms':>9} {'per s':>8} {'x baseline':>11}")
    for name, (left, right, runs) in cases.items():
        p50, p99 = timed(left, right, runs)
        base = base or p50
        print(f"{name:42} {len(left):>8} {p50 * 1000:>9.2f} {p99 * 1000:>9.2f} {1 / p50:>8.1f} {p50 / base:>11.1f}")


if __name__ == "__main__":
    main()
