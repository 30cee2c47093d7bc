# bash completion for thrace(1): commands, each command's options, databases.
_thrace()
{
    local cur prev words cword
    _init_completion || return
    local commands="record ingest log stats serve export daemon check deadlocks"
    if ((cword == 1)); then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    local options
    case ${words[1]} in
    record) options="-o --output --append --keep-trace --blocking --no-interpose --deadlock-timeout --live --relayd --live-wait --help" ;;
    ingest) options="-o --output --help" ;;
    log) options="--thread --all --time --help" ;;
    stats | deadlocks) options="--help" ;;
    serve) options="--port --bind --help" ;;
    daemon) options="--db --port --bind --no-viewer --relayd --relayd-output --deadlock-timeout --help" ;;
    check) options="--expect --no-deadlocks --no-leaks --junit --json --help" ;;
    export) options="--format -o --output --help" ;;
    esac
    case $prev in
    -o | --output | --db)
        [[ ${words[1]} == export ]] && _filedir json || _filedir db
        return
        ;;
    --expect) _filedir expect; return ;;
    --format) COMPREPLY=($(compgen -W "chrome" -- "$cur")); return ;;
    --junit) _filedir xml; return ;;
    --keep-trace | --relayd-output) _filedir -d; return ;;
    --port | --bind | --relayd | --deadlock-timeout | --live-wait | --thread) return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
    elif [[ ${words[1]} == record ]]; then
        _command_offset 2
    elif [[ ${words[1]} == ingest ]]; then
        _filedir -d
    else
        _filedir db
    fi
}
complete -F _thrace thrace
