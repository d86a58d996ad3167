-- smaqit-ls for Neovim >= 0.11: `vim.lsp.enable('smaqit_ls')` picks this file up
-- from the runtimepath. Override any field with `vim.lsp.config('smaqit_ls', {...})`.

-- The server reads its options once from initializationOptions and then
-- replaces all of them on every workspace/didChangeConfiguration, which Neovim
-- sends right after `initialize` whenever `settings` is non-empty. Accepting
-- both, flat or under `smaqit`, means merging them into one table.
local function options_of(t)
  if type(t) ~= 'table' then
    return {}
  end
  local flat = vim.deepcopy(t)
  flat.smaqit = nil
  return vim.tbl_deep_extend('force', flat, t.smaqit or {})
end

---@type vim.lsp.Config
return {
  cmd = { 'smaqit-ls' },
  filetypes = {
    'markdown', -- specs
    'yaml', -- compose, Kubernetes, CI workflows
    'terraform',
    'dockerfile',
    'json',
    'sh', -- shell scripts, and `.env` (Neovim's own detection)
    'bash',
    'zsh',
    'dotenv', -- `.env*` where a newer runtime or the user maps them to `dotenv`
  },
  -- `.smaqit` first: a spec project nested in a larger repository is its own root.
  root_markers = { '.smaqit', '.git' },
  capabilities = {
    workspace = {
      -- Neovim turns this off on Linux by default; the server relies on it
      -- to see specs edited outside Neovim (git checkout, the smaqit CLI).
      didChangeWatchedFiles = { dynamicRegistration = true },
    },
  },
  -- Present so that the client shares this table with `config`; before_init fills it in.
  settings = { smaqit = {} },
  before_init = function(params, config)
    -- Offered pull diagnostics, the server stops pushing. Neovim 0.11 only
    -- pulls for open buffers and ignores workspace/diagnostic/refresh, so
    -- closed specs would show nothing and open ones stay stale after
    -- indexing. Pushed, every indexed file's diagnostics reach
    -- vim.diagnostic (and :SmaqitCheck).
    params.capabilities.textDocument.diagnostic = nil
    local merged = vim.tbl_deep_extend('force', options_of(config.init_options), options_of(config.settings))
    -- An empty Lua table would go out as a JSON array.
    merged = next(merged) and merged or vim.empty_dict()
    params.initializationOptions = merged
    -- In place: the client already holds a reference to config.settings and
    -- sends it (and answers workspace/configuration) from there.
    for k in pairs(config.settings) do
      config.settings[k] = nil
    end
    config.settings.smaqit = merged
  end,
}
