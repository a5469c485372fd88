// `lynguine completion bash`: prints the bash completion script (the same
// text as packaging/lynguine.bash-completion, which the package installs;
// tests/wire/test_observability.py checks that the two agree).
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"

namespace lyn::cli {

namespace {

constexpr const char* kBashCompletion =
    R"BASH(# bash completion for lynguine (and its mdfield name).
# Install as /usr/share/bash-completion/completions/lynguine, or try it with
#   source <(lynguine completion bash)
_lynguine() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null 2>&1; then
    _init_completion || return
  else
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
  fi

  local commands="field mdfield flags dependencies resolve-diagrams-dir read write call serve
    completion version help"
  local common="--server --no-fallback --root --server-url --api-key --ca-file --help"

  if [[ $cword -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$commands --version --help" -- "$cur"))
    return
  fi

  # Options that take a value.
  case "$prev" in
    --root|--directory|--diagrams-dir|--snippets-path|--cwd|-d|-S)
      COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --config|-c|--interface|--data|--batch|--log-file|--ca-file|--auth-token-file|--api-keys|--tls-cert|--tls-key|--socket)
      COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --log-format)
      COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
    --format)
      COMPREPLY=($(compgen -W "json ndjson csv table" -- "$cur")); return ;;
    --auth-token)
      COMPREPLY=($(compgen -W "auto" -- "$cur")); return ;;
    --auth)
      COMPREPLY=($(compgen -W "none" -- "$cur")); return ;;
    --log-level)
      COMPREPLY=($(compgen -W "debug info warning error" -- "$cur")); return ;;
    --host)
      COMPREPLY=($(compgen -W "127.0.0.1 ::1 0.0.0.0 localhost" -- "$cur")); return ;;
    --port|--idle-timeout|--threads|--source|--output|--field|--interface-field|--fields|--columns|--server-url|--api-key|--allowed-host|--allow-origin|--rate-limit|--max-concurrent|--max-response-bytes|--request-timeout|--max-body|--cache-bytes|--header-timeout|--keep-alive-timeout|--deadline|--max-connections|--max-connections-per-address|--workers|--max-queue|--trusted-proxy|--limit)
      return ;;
  esac

  local opts
  case "${words[1]}" in
    field)   opts="--config --batch --fields --json $common" ;;
    mdfield) opts="batch --fields --use-server --no-server $common" ;;
    flags)   opts="pp post docx pptx prefix reveal cv manim manim-convert --help" ;;
    dependencies)
      opts="all diagrams inputs bibinputs slidediagrams texdiagrams docxdiagrams batch
        --diagrams-dir --snippets-path --help" ;;
    resolve-diagrams-dir)
      opts="--filesystem --web --diagrams-dir --diagrams-web-dir --cwd --help" ;;
    read)    opts="--source --interface --field --interface-field --directory --format $common" ;;
    write)   opts="--output --source --data --columns $common" ;;
    call)
      if [[ $cword -eq 2 ]]; then
        COMPREPLY=($(compgen -W "GET POST DELETE" -- "$cur")); return
      elif [[ $cword -eq 3 ]]; then
        COMPREPLY=($(compgen -W "/api/ping /api/health /api/status /api/server /api/read_data /api/write_data
          /api/compute /api/talk/field /api/interface/read /api/sessions" -- "$cur")); return
      fi
      opts="--status $common" ;;
    serve)
      opts="--host --port --socket --root --idle-timeout --daemon --threads --quiet --status --json
        --list --stop --all --ensure --log-format --log-level --log-file --limit --allowed-host --allow-origin
        --auth --auth-token-file --auth-token --api-keys --tls-cert --tls-key --require-tls
        --rate-limit --max-concurrent --max-response-bytes --request-timeout --max-body --cache-bytes
        --header-timeout --keep-alive-timeout --deadline --max-connections
        --max-connections-per-address --workers --max-queue --trusted-proxy --help" ;;
    completion) opts="bash" ;;
    *) opts="--help" ;;
  esac
  if [[ $cur == -* || ${words[1]} == completion || ($cword -eq 2 && ${words[1]} == @(flags|dependencies)) ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -F _lynguine lynguine mdfield
)BASH";

}  // namespace

int run_completion(const std::vector<std::string>& args) {
  std::string shell;
  auto app = make_command("lynguine completion", "usage: lynguine completion bash\n",
                          "Prints the shell completion script; try `source <(lynguine completion "
                          "bash)`.");
  app->add_option("SHELL", shell, "bash (the only one so far)")
      ->required()
      ->check(CLI::IsMember({"bash"}))
      ->option_text("REQUIRED");
  if (auto done = parse_command(*app, args)) return *done;
  std::fputs(kBashCompletion, stdout);
  return 0;
}

}  // namespace lyn::cli
