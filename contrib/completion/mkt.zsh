
# mkt's completion of values, put by generate.sh in place of the generated
# script's last lines (whose _mkt completes commands and flags). `mkt
# __complete` decides what fits where and names the candidates: tracker and
# release names, refs, the catalog's words, folders.
_mkt_values() {
    local -a lines candidates fields
    lines=("${(@f)$("${words[1]}" __complete -- "${(@)words[1,CURRENT]}" 2>/dev/null)}")
    if [[ ${lines[1]} == :default ]]; then
        _mkt "$@"
        return
    fi
    candidates=(${lines:#(:folders|*=|)})
    fields=(${(M)lines:#*=})
    (( ${#candidates} )) && compadd -- "${candidates[@]}"
    # FIELD= waits for its value.
    (( ${#fields} )) && compadd -S '' -- "${fields[@]}"
    (( ${lines[(Ie):folders]} )) && _path_files -/
    return 0
}

if [[ "${funcstack[1]}" = _mkt ]]; then
    compdef _mkt_values mkt
    _mkt_values "${@}"
else
    compdef _mkt_values mkt
fi
