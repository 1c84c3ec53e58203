
# mkt's completion of values, appended by generate.sh to the script
# swift-argument-parser generates (which completes commands and flags).
# `mkt __complete` decides what fits where and names the candidates: tracker
# and release names, refs, the catalog's words, folders.
function __mkt_value_lines
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    command $tokens[1] __complete -- $tokens "$current" 2>/dev/null
end

function __mkt_values_fit
    set -l lines (__mkt_value_lines)
    test "$lines[1]" != :default
end

function __mkt_values
    for line in (__mkt_value_lines)
        if test "$line" = :folders
            __fish_complete_directories (commandline -ct)
        else
            echo $line
        end
    end
end

complete -c mkt -n __mkt_values_fit -f -a '(__mkt_values)'
# fish completes an option's value only from the option's own entries.
for option in tracker media release meta
    complete -c mkt -l $option -x -a '(__mkt_values)'
end
