#!/usr/bin/env python3
"""Writes the CSV that bench/csv_bench.sh reads: ROWS rows, about 88 bytes a
row (8.8 MB at 100,000 rows), the same bytes on every machine and run.

The column mix is what lynguine's users keep in tables: an int id, names and
cities (strings, some with non-ASCII letters), a department (few distinct
values: a dictionary-friendly column), ints with gaps (pandas: float64),
floats with gaps and without, booleans, dates as text (pandas keeps them as strings) and
free-text notes, some quoted with commas, doubled quotes and newlines.

A linear congruential generator (not Python's `random`) keeps the output
independent of the Python version.

Usage: gen_csv.py PATH ROWS
"""
import sys

FIRST = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John",
         "Katherine", "Claude", "Hedy", "Tim", "Radia", "Ken", "Margaret", "Dennis",
         "Zoë", "José", "Søren", "Łucja"]
LAST = ["Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "McCarthy",
        "Johnson", "Shannon", "Lamarr", "Berners-Lee", "Perlman", "Thompson", "Hamilton",
        "Ritchie", "Okafor", "Nakamura", "Øberg", "Wiśniewski"]
DEPARTMENTS = ["Computer Science", "Mathematics", "Physics", "Engineering", "Biology",
               "Chemistry", "Statistics", "Neuroscience"]
CITIES = ["Cambridge", "Sheffield", "Manchester", "London", "Edinburgh", "Kampala",
          "Nairobi", "Lagos", "Accra", "Berlin", "Zürich", "Kraków", "Tokyo", "Boston"]
NOTES = ["", "", "", "plain note", "follow up", "visa pending", "remote",
         '"Works on ""morphogenesis"", mostly"', '"Two lines:\nfirst, then second"']


def main():
    path, rows = sys.argv[1], int(sys.argv[2])
    state = 12345

    def rand(n):
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return (state >> 33) % n

    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("id,name,department,age,score,budget,accepted,registered,city,notes\n")
        lines = []
        for i in range(rows):
            name = f"{FIRST[rand(len(FIRST))]} {LAST[rand(len(LAST))]}"
            age = "" if rand(10) == 0 else str(20 + rand(50))
            score = "" if rand(8) == 0 else f"{rand(10000) / 100:.2f}"
            budget = f"{rand(10**7) / 100:.2f}"
            accepted = "True" if rand(2) else "False"
            date = f"20{10 + rand(15)}-{1 + rand(12):02d}-{1 + rand(28):02d}"
            lines.append(f"{1000000 + i},{name},{DEPARTMENTS[rand(len(DEPARTMENTS))]},{age},"
                         f"{score},{budget},{accepted},{date},{CITIES[rand(len(CITIES))]},"
                         f"{NOTES[rand(len(NOTES))]}\n")
            if len(lines) == 10000:
                f.write("".join(lines))
                lines = []
        f.write("".join(lines))


if __name__ == "__main__":
    main()
