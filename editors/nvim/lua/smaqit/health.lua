-- :checkhealth smaqit
local smaqit = require('smaqit')
local commands = require('smaqit.protocol').commands
local health = vim.health

local M = {}

local function check_server()
  health.start('smaqit-ls server')
  local exe = smaqit.executable()
  if not exe then
    health.info('`cmd` is a function (custom transport): not checked')
    return
  end
  local path = vim.fn.exepath(exe)
  if path == '' then
    health.error(('`%s` not found'):format(exe), {
      'Install it: `cargo install --path server` in a smaqit-ls checkout',
      "Or point the config at it: vim.lsp.config('smaqit_ls', { cmd = { '/path/to/smaqit-ls' } })",
    })
    return
  end
  local out = vim.system({ path, '--version' }, { text = true }):wait(5000)
  if out.code ~= 0 then
    health.error(('`%s --version` failed: %s'):format(path, out.stderr or ''))
    return
  end
  health.ok(('%s (%s)'):format(vim.trim(out.stdout), path))
end

--- :checkhealth runs in a scratch buffer of its own; the file the user was
--- in is the alternate one. Without it the cwd decides the project.
local function user_buffer()
  local alt = vim.fn.bufnr('#')
  if alt > 0 and vim.bo[alt].buftype == '' then
    return alt
  end
  return vim.api.nvim_get_current_buf()
end

---@param buf integer
---@return string? root
local function check_root(buf)
  health.start('smaqit project')
  local root = smaqit.root(buf)
  if not root then
    health.warn('no project root (no `.smaqit/` or `.git/` above the current file or the cwd)', {
      'Open a file inside a smaqit project, or `:cd` into one',
    })
    return nil
  end
  if vim.uv.fs_stat(vim.fs.joinpath(root, '.smaqit')) then
    health.ok('project root: ' .. root)
  else
    health.warn(('root %s has no `.smaqit/` (found through `.git`)'):format(root), {
      ':SmaqitPlan and :SmaqitDeploy need a smaqit project (`smaqit init` creates `.smaqit/`)',
    })
  end
  local client = smaqit.client(buf)
  if client then
    local info = client.server_info or {}
    health.ok(('client %d running: %s %s, root %s, position encoding %s'):format(
      client.id,
      info.name or '?',
      info.version or '?',
      client.root_dir or '?',
      client.offset_encoding
    ))
  else
    health.info('no smaqit-ls client for this project yet (it starts when a spec or IaC file is opened)')
  end
  return root
end

---@param buf integer
---@param root string
local function check_environments(buf, root)
  health.start('deploy environments')
  local file = vim.fs.joinpath(root, '.smaqit', 'environments.toml')
  if not vim.uv.fs_stat(file) then
    health.warn('no ' .. file, { ':SmaqitDeploy needs at least one environment there' })
    return
  end
  local client = smaqit.client(buf)
  if not client or not smaqit.supports(client, commands.list_environments) then
    health.info(('%s exists; listing it needs a running smaqit-ls with `%s`'):format(file, commands.list_environments))
    return
  end
  local envs, err = smaqit.execute_sync(client, commands.list_environments, {}, 3000)
  if not envs then
    health.error('the environments file is not usable: ' .. tostring(err))
  elseif #envs == 0 then
    health.warn('no environment defined', { 'Describe one in ' .. file })
  else
    for _, e in ipairs(envs) do
      health.ok(('%s: %d step(s), %d health check(s)'):format(e.name, #(e.steps or {}), #(e.health or {})))
    end
  end
end

function M.check()
  health.start('Neovim')
  if vim.fn.has('nvim-0.11') == 1 then
    health.ok('Neovim ' .. tostring(vim.version()))
  else
    health.error('Neovim >= 0.11 is required (vim.lsp.config / vim.lsp.enable)')
  end
  check_server()
  local buf = user_buffer()
  local root = check_root(buf)
  if root then
    check_environments(buf, root)
  end
end

return M
