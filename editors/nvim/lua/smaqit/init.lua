-- smaqit.nvim: the Neovim side of smaqit-ls. Everything works without
-- setup(); it only exists to change the server config or opt out of enabling.
local M = {}

M.name = 'smaqit_ls'

--- Lifecycle statuses, in lifecycle order (the server's `Status::ALL`).
M.statuses = { 'draft', 'implemented', 'deployed', 'validated', 'failed', 'deprecated' }

---@class smaqit.Opts
---@field enable? boolean call `vim.lsp.enable('smaqit_ls')` (default true)
---@field server? vim.lsp.Config merged into `vim.lsp.config('smaqit_ls')`

---@param opts? smaqit.Opts
function M.setup(opts)
  opts = opts or {}
  if opts.server then
    vim.lsp.config(M.name, opts.server)
  end
  vim.lsp.enable(M.name, opts.enable ~= false)
end

--- The resolved server config (lsp/smaqit_ls.lua plus user overrides).
---@return vim.lsp.Config
function M.config()
  return vim.lsp.config[M.name] or {}
end

--- The server executable named by the config, for the CLI commands and
--- :checkhealth; nil when `cmd` is a function (an RPC transport).
---@return string?
function M.executable()
  local cmd = M.config().cmd
  return type(cmd) == 'table' and cmd[1] or nil
end

---@param buf? integer
---@return integer
local function resolve(buf)
  return (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
end

--- The project root of a buffer: its client's root, else the root markers
--- searched upward from the buffer's file (or the cwd for unnamed buffers).
---@param buf? integer
---@return string?
function M.root(buf)
  buf = resolve(buf)
  local client = vim.lsp.get_clients({ name = M.name, bufnr = buf })[1]
  if client and client.root_dir then
    return client.root_dir
  end
  return vim.fs.root(buf, M.config().root_markers or { '.smaqit', '.git' })
end

--- The smaqit-ls client serving a buffer, or else the one running for the
--- buffer's project (commands are often run from a quickfix or help window).
---@param buf? integer
---@return vim.lsp.Client?
function M.client(buf)
  buf = resolve(buf)
  local attached = vim.lsp.get_clients({ name = M.name, bufnr = buf })[1]
  if attached then
    return attached
  end
  local root = M.root(buf)
  for _, c in ipairs(vim.lsp.get_clients({ name = M.name })) do
    if root and c.root_dir == root then
      return c
    end
  end
end

--- Whether the server advertises a `workspace/executeCommand` command.
---@param client vim.lsp.Client
---@param command string
function M.supports(client, command)
  local provider = client.server_capabilities.executeCommandProvider
  return type(provider) == 'table' and vim.list_contains(provider.commands or {}, command)
end

--- Sends `workspace/executeCommand`; `callback(err, result)` runs on the main loop.
--- `opts.work_done_token` goes out as the request's `workDoneToken`: the
--- server then reports the command's progress (`$/progress`) on that token.
---@param client vim.lsp.Client
---@param command string see require('smaqit.protocol').commands
---@param arguments any[]
---@param callback fun(err: lsp.ResponseError?, result: any)
---@param opts? { bufnr?: integer, work_done_token?: integer|string }
function M.execute(client, command, arguments, callback, opts)
  opts = opts or {}
  local params = { command = command, arguments = arguments, workDoneToken = opts.work_done_token }
  client:request('workspace/executeCommand', params, callback, opts.bufnr)
end

--- Same, blocking up to `timeout_ms`; for completion and :checkhealth.
---@return any result, string? err
function M.execute_sync(client, command, arguments, timeout_ms)
  local resp, err = client:request_sync(
    'workspace/executeCommand',
    { command = command, arguments = arguments },
    timeout_ms
  )
  if not resp then
    return nil, err
  end
  if resp.err then
    return nil, resp.err.message
  end
  return resp.result
end

---@param msg string
---@param level? integer
function M.notify(msg, level)
  vim.notify('smaqit: ' .. msg, level or vim.log.levels.INFO, { title = 'smaqit' })
end

--- Progress of the running deploy, for the statusline; '' when idle.
--- `vim.lsp.status()` shows every server's progress, this only the deploy.
function M.statusline()
  return require('smaqit.commands').progress or ''
end

return M
