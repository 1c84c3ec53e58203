#!/usr/bin/env bash
# Checks that every command page, Documentation/mkt-*.md, follows the one
# skeleton of a manual page:
#   # mkt-NAME(1)           (NAME as in the file's name)
#   a one-line summary
#   ## Synopsis             (with indented usage lines)
#   ## Description
#   ## Options
#   ## Output
#   ## Exit status
#   ## Examples             (not empty)
#   ## See also
# and nothing else at that level (### subsections are free). Headings inside
# ``` fences do not count. Every link to a file must name one that exists.
#   scripts/check-docs.sh [DIR]      DIR defaults to the repository's Documentation/
# Prints one line per problem, naming the page; exits 1 if there is any.
set -euo pipefail

dir=${1:-"$(dirname "$0")/../Documentation"}
shopt -s nullglob
pages=("$dir"/mkt-*.md)
if [ ${#pages[@]} -eq 0 ]; then
    echo "check-docs: no mkt-*.md pages in $dir" >&2
    exit 1
fi

failed=0
for page in "${pages[@]}"; do
    name=$(basename "$page" .md)
    if ! awk -v page="$page" -v name="$name" '
        BEGIN {
            split("Synopsis|Description|Options|Output|Exit status|Examples|See also", required, "|")
            count = 7
            for (i = 1; i <= count; i++) position[required[i]] = i
            problems = 0; seen = 0; current = ""; fenced = 0
        }
        function problem(text) { print page ": " text; problems++ }
        NR == 1 {
            if ($0 != "# " name "(1)") problem("the first line must be \"# " name "(1)\", not \"" $0 "\"")
            next
        }
        !summaryDone {
            if ($0 ~ /^[[:space:]]*$/) next
            summaryDone = 1
            if ($0 ~ /^#/) problem("no one-line summary after the title")
            else if (getline next_line > 0) {
                if (next_line !~ /^[[:space:]]*$/) problem("the summary must be one line")
                $0 = next_line
            }
        }
        /^```/ { fenced = !fenced; next }
        fenced { next }
        /^## / {
            heading = substr($0, 4)
            if (!(heading in position)) {
                problem("unexpected section \"## " heading "\" (make it a ### subsection)")
                current = ""
                next
            }
            if (heading in found) problem("section \"## " heading "\" appears twice")
            found[heading] = 1
            if (position[heading] <= seen) problem("section \"## " heading "\" is out of order (expected: " order() ")")
            else seen = position[heading]
            current = heading
            next
        }
        /^# / { problem("a second title line: \"" $0 "\"") }
        current == "Synopsis" && /^    [^ ]/ { synopsisLines++ }
        current == "Examples" && /[^[:space:]]/ { exampleLines++ }
        function order(   text, i) {
            for (i = 1; i <= count; i++) text = text (i > 1 ? ", " : "") "## " required[i]
            return text
        }
        END {
            if (!summaryDone) problem("no one-line summary after the title")
            for (i = 1; i <= count; i++) if (!(required[i] in found)) problem("missing section \"## " required[i] "\"")
            if (("Synopsis" in found) && synopsisLines == 0) problem("\"## Synopsis\" has no indented usage line")
            if (("Examples" in found) && exampleLines == 0) problem("\"## Examples\" is empty")
            exit (problems > 0 ? 1 : 0)
        }
    ' "$page"; then
        failed=1
    fi
    # Every link to another file must name one in the repository.
    for target in $(grep -o '](\([^)#:]*\)[)#]' "$page" | sed 's/^](//; s/[)#]$//' | sort -u); do
        if [ ! -e "$(dirname "$page")/$target" ]; then
            echo "$page: links to $target, which does not exist"
            failed=1
        fi
    done
done

if [ "$failed" -ne 0 ]; then exit 1; fi
echo "check-docs: ${#pages[@]} pages follow the skeleton"
