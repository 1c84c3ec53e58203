# mkt's completion of values, appended by generate.sh to the script
# swift-argument-parser generates (whose _mkt completes commands and flags).
# `mkt __complete` decides what fits where and names the candidates: tracker
# and release names, refs, the catalog's words, folders.

_mkt_values() {
    local cur=${COMP_WORDS[COMP_CWORD]} words=() i
    # bash splits at '=' (COMP_WORDBREAKS); mkt wants `--meta media=C` as one word.
    for ((i = 0; i <= COMP_CWORD; i++)); do
        if ((i > 1)) && { [ "${COMP_WORDS[i]}" = = ] || [ "${COMP_WORDS[i - 1]}" = = ]; }; then
            words[${#words[@]} - 1]+=${COMP_WORDS[i]}
        else
            words+=("${COMP_WORDS[i]}")
        fi
    done
    local lines
    lines=$("${COMP_WORDS[0]}" __complete -- "${words[@]}" 2>/dev/null) || lines=:default
    if [ "$lines" = :default ]; then
        _mkt "$@"
        return
    fi
    # What bash replaces is only the part after the last '='.
    local prefix=${words[${#words[@]} - 1]%"$cur"} line
    COMPREPLY=()
    while IFS= read -r line; do
        if [ "$line" = :folders ]; then
            while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen -d -- "$cur")
            compopt -o filenames 2>/dev/null
        elif [ -n "$line" ]; then
            COMPREPLY+=("${line#"$prefix"}")
        fi
    done <<<"$lines"
    # FIELD= waits for its value.
    if [ ${#COMPREPLY[@]} -eq 1 ] && [[ ${COMPREPLY[0]} == *= ]]; then compopt -o nospace 2>/dev/null; fi
    return 0
}

complete -o filenames -F _mkt_values mkt
