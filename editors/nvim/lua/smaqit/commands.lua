-- The :Smaqit* user commands.
local smaqit = require('smaqit')
local commands = require('smaqit.protocol').commands
local levels = vim.log.levels

local M = {}

--- Progress line of the running deploy (see smaqit.statusline()).
---@type string?
M.progress = nil

---@return vim.lsp.Client?
local function need_client()
  local client = smaqit.client(0)
  if not client then
    smaqit.notify('no smaqit-ls client for this buffer (open a file of the project first)', levels.ERROR)
  end
  return client
end

--- Runs the smaqit-ls CLI in `root`; `callback(decoded_json)` on the main loop.
--- Exit status 1 only means "errors found" for `check`: a failure is 2 and
--- up, or output that is not JSON.
---@param args string[]
---@param root string
---@param callback fun(result: any)
local function cli(args, root, callback)
  local exe = smaqit.executable()
  if not exe or vim.fn.executable(exe) == 0 then
    smaqit.notify('server executable not found: ' .. tostring(exe), levels.ERROR)
    return
  end
  vim.system(vim.list_extend({ exe }, args), { cwd = root, text = true }, function(out)
    vim.schedule(function()
      local ok, decoded = pcall(vim.json.decode, out.stdout or '', { luanil = { object = true, array = true } })
      if not ok or out.code > 1 then
        smaqit.notify(('`smaqit-ls %s` failed: %s'):format(table.concat(args, ' '), out.stderr or ''), levels.ERROR)
        return
      end
      callback(decoded)
    end)
  end)
end

---@param root string
---@param path string
local function absolute(root, path)
  return vim.fs.normalize(vim.startswith(path, '/') and path or vim.fs.joinpath(root, path))
end

---@param title string
---@param items vim.quickfix.entry[]
local function set_quickfix(title, items)
  vim.fn.setqflist({}, ' ', { title = title, items = items })
  if #items > 0 then
    vim.cmd('botright copen')
  end
end

-- :SmaqitPlan ---------------------------------------------------------------

--- Line of the `status:` key, so that the entry lands where a transition is made.
---@param file string
local function status_line(file)
  local ok, lines = pcall(vim.fn.readfile, file, '', 50)
  for i, line in ipairs(ok and lines or {}) do
    if line:match('^status:') then
      return i
    end
  end
  return 1
end

---@param root string
---@param pending {path: string, id: string, status: string}[]
local function plan_to_quickfix(root, pending)
  local items = {}
  for _, p in ipairs(pending) do
    local file = absolute(root, p.path)
    items[#items + 1] = { filename = file, lnum = status_line(file), text = ('%s  %s'):format(p.id, p.status) }
  end
  set_quickfix('smaqit plan --phase=deploy', items)
  smaqit.notify(#items == 0 and 'nothing pending for deploy' or ('%d spec(s) pending for deploy'):format(#items))
end

function M.plan()
  local client = smaqit.client(0)
  if client and smaqit.supports(client, commands.plan) then
    smaqit.execute(client, commands.plan, {}, function(err, result)
      if err then
        smaqit.notify('plan failed: ' .. err.message, levels.ERROR)
      else
        plan_to_quickfix(client.root_dir, result.pending or {})
      end
    end)
    return
  end
  local root = smaqit.root(0) or vim.uv.cwd()
  cli({ 'plan-json', '--phase=deploy' }, root, function(result)
    plan_to_quickfix(root, result.pending or {})
  end)
end

-- :SmaqitCheck --------------------------------------------------------------

local qf_type = { 'E', 'W', 'I', 'N' }

---@param a vim.quickfix.entry
---@param b vim.quickfix.entry
local function by_position(a, b)
  if a.filename ~= b.filename then
    return a.filename < b.filename
  end
  if a.lnum ~= b.lnum then
    return a.lnum < b.lnum
  end
  return a.col < b.col
end

--- What the server has published for the project (open and closed files).
---@param client vim.lsp.Client
---@param root string
local function published(client, root)
  local namespaces = {
    [vim.lsp.diagnostic.get_namespace(client.id, false)] = true,
    [vim.lsp.diagnostic.get_namespace(client.id, true)] = true,
  }
  local items = {}
  for _, d in ipairs(vim.diagnostic.get(nil)) do
    local file = vim.api.nvim_buf_get_name(d.bufnr)
    if namespaces[d.namespace] and d.source == 'smaqit' and vim.startswith(file, root .. '/') then
      items[#items + 1] = {
        filename = file,
        lnum = d.lnum + 1,
        col = d.col + 1,
        end_lnum = d.end_lnum + 1,
        end_col = d.end_col + 1,
        type = qf_type[d.severity],
        text = d.code and ('%s [%s]'):format(d.message, d.code) or d.message,
      }
    end
  end
  return items
end

--- Byte column (1-based) of a character column (1-based) in a file's line.
---@param cache table<string, string[]>
local function byte_col(cache, file, lnum, col)
  if not cache[file] then
    local ok, lines = pcall(vim.fn.readfile, file)
    cache[file] = ok and lines or {}
  end
  local line = cache[file][lnum] or ''
  local ok, byte = pcall(vim.str_byteindex, line, 'utf-32', col - 1, false)
  return ok and byte + 1 or col
end

local cli_type = { error = 'E', warning = 'W', info = 'I', hint = 'N' }

---@param root string
local function check_with_cli(root)
  cli({ 'check', '.', '--format', 'json' }, root, function(findings)
    local items, lines = {}, {}
    for _, f in ipairs(findings) do
      local file = absolute(root, f.path)
      items[#items + 1] = {
        filename = file,
        lnum = f.line,
        col = byte_col(lines, file, f.line, f.column),
        end_lnum = f.end_line,
        end_col = byte_col(lines, file, f.end_line, f.end_column),
        type = cli_type[f.severity],
        text = ('%s [%s]'):format(f.message, f.code),
      }
    end
    table.sort(items, by_position)
    set_quickfix('smaqit check', items)
    smaqit.notify(('%d finding(s)'):format(#items))
  end)
end

function M.check()
  local client = smaqit.client(0)
  if client then
    local items = published(client, client.root_dir)
    -- None may also mean "not indexed yet": the CLI then has the last word.
    if #items > 0 then
      table.sort(items, by_position)
      set_quickfix('smaqit check', items)
      smaqit.notify(('%d finding(s)'):format(#items))
      return
    end
  end
  check_with_cli(client and client.root_dir or smaqit.root(0) or vim.uv.cwd())
end

-- :SmaqitStatus -------------------------------------------------------------

--- With a status: the server's set-status command, which answers with a
--- workspace/applyEdit. Without: a picker over the transitions the server
--- offers as code actions for this spec.
---@param status? string
function M.status(status)
  local buf = vim.api.nvim_get_current_buf()
  local client = vim.lsp.get_clients({ name = smaqit.name, bufnr = buf })[1]
  if not client then
    smaqit.notify('this buffer is not a spec served by smaqit-ls', levels.ERROR)
    return
  end
  if status then
    if not vim.list_contains(smaqit.statuses, status) then
      smaqit.notify(('unknown status %q (one of %s)'):format(status, table.concat(smaqit.statuses, ', ')), levels.ERROR)
      return
    end
    local uri = vim.uri_from_bufnr(buf)
    smaqit.execute(client, commands.set_status, { uri, status }, function(err, result)
      if err then
        smaqit.notify('set status failed: ' .. err.message, levels.ERROR)
      elseif type(result) == 'table' and result.applied == false then
        smaqit.notify('the status edit was not applied', levels.WARN)
      end
    end, { bufnr = buf })
    return
  end
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  -- In the frontmatter the server files transitions under refactor, elsewhere under source.
  params.context = { diagnostics = {}, only = { 'source', 'refactor.rewrite' } }
  client:request('textDocument/codeAction', params, function(err, actions)
    if err then
      smaqit.notify('code actions failed: ' .. err.message, levels.ERROR)
      return
    end
    local transitions = vim.tbl_filter(function(a)
      return a.edit ~= nil and vim.startswith(a.title, 'Set status')
    end, actions or {})
    if #transitions == 0 then
      smaqit.notify('no status transition for this spec', levels.WARN)
      return
    end
    vim.ui.select(transitions, {
      prompt = 'Status transition',
      format_item = function(a)
        return a.title
      end,
    }, function(action)
      if action then
        vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
      end
    end)
  end, buf)
end

-- :SmaqitDeploy -------------------------------------------------------------

---@class smaqit.Environment `EnvironmentInfo` (docs/protocol.md)
---@field name string
---@field description string
---@field steps string[][]
---@field health string[]
---@field retries integer
---@field specs? string[] the Infrastructure specs it realises (what `regen` deploys)
---@field pending? string[] those of them a deploy would deploy now

---@class smaqit.Deploy
---@field env string
---@field token string the deploy's progress token: the request's workDoneToken
---@field begun boolean the server began the progress (it knows the token)
---@field cancel_asked boolean

---@type table<integer, smaqit.Deploy> by client id: one deploy per project at a time
local deploying = {}

local deploys = 0

--- A progress token of this Neovim's own, never one the server makes up
--- (those start with require('smaqit.protocol').progress.deploy_prefix).
---@param client vim.lsp.Client
local function new_token(client)
  deploys = deploys + 1
  return ('smaqit.nvim/deploy/%d/%d/%d'):format(vim.uv.os_getpid(), client.id, deploys)
end

--- Asks the server to stop the deploy (window/workDoneProgress/cancel). Until
--- the progress has begun the server may not know the token yet: asked again
--- on `begin`.
---@param client vim.lsp.Client
---@param run smaqit.Deploy
local function cancel(client, run)
  run.cancel_asked = true
  client:notify('window/workDoneProgress/cancel', { token = run.token })
end

--- Whether a deploy of `env` would find nothing pending, so that only a
--- `regen` deploy does anything (an older server says neither).
---@param env smaqit.Environment
local function needs_regen(env)
  return env.specs ~= nil and #(env.pending or {}) == 0
end

---@param env smaqit.Environment
local function confirm_message(env)
  local regen = needs_regen(env)
  local lines = { (regen and 'Deploy %s again?' or 'Deploy to %s?'):format(env.name) }
  if env.description and env.description ~= '' then
    lines[#lines + 1] = env.description
  end
  lines[#lines + 1] = ''
  for i, argv in ipairs(env.steps or {}) do
    lines[#lines + 1] = ('  %d. %s'):format(i, table.concat(argv, ' '))
  end
  for _, h in ipairs(env.health or {}) do
    lines[#lines + 1] = '  health: ' .. h
  end
  if regen then
    lines[#lines + 1] = 'Nothing is pending: its specs were all deployed. Deploying again redeploys:'
  end
  local specs = regen and env.specs or env.pending or {}
  if not regen and #specs > 0 then
    lines[#lines + 1] = 'Specs it deploys:'
  end
  for _, s in ipairs(specs) do
    lines[#lines + 1] = '  ' .. s
  end
  return table.concat(lines, '\n')
end

---@param value lsp.WorkDoneProgressBegin|lsp.WorkDoneProgressReport|lsp.WorkDoneProgressEnd
---@param title string
local function progress_line(value, title)
  local parts = { title }
  if value.percentage then
    parts[#parts + 1] = ('%d%%'):format(value.percentage)
  end
  if value.message and value.message ~= '' then
    parts[#parts + 1] = value.message
  end
  return table.concat(parts, ' ')
end

--- Opens the report unless the server's window/showDocument already did.
---@param client vim.lsp.Client
---@param uri string
local function show_report(client, uri)
  if #vim.fn.win_findbuf(vim.uri_to_bufnr(uri)) == 0 then
    vim.lsp.util.show_document({ uri = uri }, client.offset_encoding, { focus = true })
  end
end

--- A refusal names the blocking findings as `path:line:col: code: message`
--- (`path:line: …` from older servers).
---@param root string
---@param conflicts string[]
local function conflicts_to_quickfix(root, conflicts)
  local items = {}
  for _, c in ipairs(conflicts) do
    local file, lnum, col, text = c:match('^(.-):(%d+):(%d+): (.*)$')
    if not file then
      file, lnum, text = c:match('^(.-):(%d+): (.*)$')
    end
    items[#items + 1] = file
        and { filename = absolute(root, file), lnum = tonumber(lnum), col = tonumber(col) or 0, text = text, type = 'E' }
      or { text = c, type = 'E' }
  end
  set_quickfix('smaqit deploy refused', items)
end

local result_level =
  { success = levels.INFO, failed = levels.ERROR, cancelled = levels.WARN, refused = levels.WARN, skipped = levels.INFO }

---@param client vim.lsp.Client
---@param env smaqit.Environment
---@param regen boolean deploy every spec of the environment again
local function run_deploy(client, env, regen)
  -- Another :SmaqitDeploy may have started while this one was being confirmed.
  if deploying[client.id] then
    smaqit.notify(('a deploy to %s is already running'):format(deploying[client.id].env), levels.WARN)
    return
  end
  local run = { env = env.name, token = new_token(client), begun = false, cancel_asked = false } ---@type smaqit.Deploy
  deploying[client.id] = run
  local group = vim.api.nvim_create_augroup('smaqit.deploying.' .. client.id, { clear = true })
  local title, last = 'deploy ' .. env.name, nil
  -- The request carries the deploy's own token (workDoneToken), so the deploy's
  -- progress is the `$/progress` for that token, and nothing else the server
  -- reports meanwhile (indexing, …).
  vim.api.nvim_create_autocmd('LspProgress', {
    group = group,
    callback = function(ev)
      local token, value = ev.data.params.token, ev.data.params.value
      if ev.data.client_id ~= client.id or token ~= run.token or type(value) ~= 'table' then
        return
      end
      if value.kind == 'begin' then
        run.begun = true
        if run.cancel_asked then
          cancel(client, run)
        end
      end
      M.progress = value.kind ~= 'end' and 'smaqit: ' .. progress_line(value, title) or nil
      vim.cmd.redrawstatus()
      -- Each distinct message once; percentages alone only move the statusline.
      if value.kind == 'begin' or (value.message and value.message ~= last) then
        last = value.message
        smaqit.notify(progress_line(value, title))
      end
    end,
  })

  smaqit.notify(('deploying to %s…'):format(env.name))
  local args = { environment = env.name, regen = regen or nil }
  smaqit.execute(client, commands.deploy, { args }, function(err, result)
    vim.api.nvim_del_augroup_by_id(group)
    deploying[client.id] = nil
    M.progress = nil
    vim.cmd.redrawstatus()
    if err then
      smaqit.notify(('deploy to %s failed: %s'):format(env.name, err.message), levels.ERROR)
    else
      local msg = ('deploy to %s: %s'):format(env.name, result.status)
      if result.endpoint then
        msg = msg .. ' at ' .. result.endpoint
      end
      if result.message and result.message ~= '' then
        msg = msg .. ' — ' .. result.message
      end
      smaqit.notify(msg, result_level[result.status] or levels.WARN)
      for _, problem in ipairs(result.problems or {}) do
        smaqit.notify(problem, levels.WARN)
      end
      if result.status == 'refused' and result.conflicts and #result.conflicts > 0 then
        conflicts_to_quickfix(client.root_dir, result.conflicts)
      end
      -- Specs open in the server were updated through workspace/applyEdit;
      -- any other loaded buffer of a file written on disk reloads.
      vim.cmd.checktime()
      if result.report then
        show_report(client, result.report)
      end
    end
    vim.api.nvim_exec_autocmds('User', {
      pattern = 'SmaqitDeploy',
      modeline = false,
      data = { environment = env.name, result = result, error = err },
    })
  end, { work_done_token = run.token })
end

---@param client vim.lsp.Client
---@param env smaqit.Environment
local function confirm_and_run(client, env)
  if env.specs ~= nil and #env.specs == 0 then
    smaqit.notify(
      ('%s realises no Infrastructure spec, so a deploy would do nothing: list their IDs in its `specs = [...]` '
        .. 'in .smaqit/environments.toml, or name it as the Target Environment in their ## Constraints'):format(env.name),
      levels.WARN
    )
    return
  end
  local regen = needs_regen(env)
  local choices = regen and '&Deploy again\n&Cancel' or '&Deploy\n&Cancel'
  if vim.fn.confirm(confirm_message(env), choices, 2, 'Question') == 1 then
    run_deploy(client, env, regen)
  end
end

---@param client vim.lsp.Client
---@param run smaqit.Deploy
local function offer_cancel(client, run)
  if run.cancel_asked then
    smaqit.notify(('the deploy to %s is being cancelled'):format(run.env), levels.WARN)
    return
  end
  local question = ('A deploy to %s is %s. Cancel it?'):format(run.env, run.begun and 'running' or 'starting')
  if vim.fn.confirm(question, '&Cancel the deploy\n&Keep it running', 2, 'Question') == 1 then
    -- The server stops the steps, writes nothing back and answers `cancelled`.
    cancel(client, run)
  end
end

--- Environments from the server, for completion (blocking, short timeout).
function M.environment_names()
  local client = smaqit.client(0)
  if not client or not smaqit.supports(client, commands.list_environments) then
    return {}
  end
  local envs = smaqit.execute_sync(client, commands.list_environments, {}, 1000) or {}
  return vim.tbl_map(function(e)
    return e.name
  end, envs)
end

--- Deploys after a confirmation listing the steps; while a deploy of the
--- project runs, offers to cancel it instead.
---@param name? string environment; picked with vim.ui.select when nil
---@param client? vim.lsp.Client the server to ask (default: the buffer's)
function M.deploy(name, client)
  client = client or need_client()
  if not client then
    return
  end
  if not smaqit.supports(client, commands.deploy) then
    smaqit.notify(('this smaqit-ls cannot deploy (no %s command); update the server'):format(commands.deploy), levels.ERROR)
    return
  end
  if deploying[client.id] then
    offer_cancel(client, deploying[client.id])
    return
  end
  smaqit.execute(client, commands.list_environments, {}, function(err, envs)
    if err then
      smaqit.notify('cannot list environments: ' .. err.message, levels.ERROR)
      return
    end
    envs = envs or {}
    if #envs == 0 then
      smaqit.notify('no environment defined in .smaqit/environments.toml', levels.WARN)
      return
    end
    if name then
      for _, env in ipairs(envs) do
        if env.name == name then
          return confirm_and_run(client, env)
        end
      end
      local names = table.concat(
        vim.tbl_map(function(e)
          return e.name
        end, envs),
        ', '
      )
      smaqit.notify(('unknown environment %q (known: %s)'):format(name, names), levels.ERROR)
      return
    end
    vim.ui.select(envs, {
      prompt = 'Deploy to',
      format_item = function(e)
        return e.description and e.description ~= '' and ('%s — %s'):format(e.name, e.description) or e.name
      end,
    }, function(env)
      if env then
        confirm_and_run(client, env)
      end
    end)
  end)
end

return M
