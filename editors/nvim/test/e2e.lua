-- End-to-end test of the Neovim plugin against the real smaqit-ls, on temp
-- copies of fixtures/example (and fixtures/clean, which can be deployed).
-- Run through test/run.sh, or:
--   SMAQIT_LS_PATH=target/debug/smaqit-ls nvim --headless --clean \
--     --cmd 'set rtp^=editors/nvim' -l editors/nvim/test/e2e.lua
-- Prints one line per check and `N passed, N failed[, N skipped]` last.

local here = vim.fs.dirname(vim.fs.abspath(debug.getinfo(1, 'S').source:sub(2)))
local repo = vim.fs.normalize(here .. '/../../..')
local server = vim.fs.abspath(vim.env.SMAQIT_LS_PATH or (repo .. '/target/debug/smaqit-ls'))
local fixture = repo .. '/fixtures/example'

local passed, failed, skipped = 0, 0, 0
local function out(line)
  io.stdout:write(line, '\n')
  -- Neovim writes its own messages straight to the fd; keep the order.
  io.stdout:flush()
end
local function check(cond, name, detail)
  if cond then
    passed = passed + 1
    out('ok   - ' .. name)
  else
    failed = failed + 1
    out('FAIL - ' .. name .. (detail and (': ' .. detail) or ''))
  end
  return cond
end
local function skip(name, reason)
  skipped = skipped + 1
  out(('SKIP - %s: %s'):format(name, reason))
end
--- Runs a group of checks; an error inside counts as one failure, the rest go on.
local function section(name, fn)
  out('# ' .. name)
  local ok, err = xpcall(fn, debug.traceback)
  if not ok then
    check(false, name .. ' (error)', err)
  end
end
local function wait(ms, pred)
  return vim.wait(ms, pred, 20)
end
local cleanup = {} ---@type fun()[]

--- Stops everything started, prints the summary line and exits with the verdict.
local function finish()
  for _, c in ipairs(vim.lsp.get_clients()) do
    c:stop()
  end
  wait(5000, function()
    return #vim.lsp.get_clients() == 0
  end)
  for _, fn in ipairs(cleanup) do
    fn()
  end
  out(('%d passed, %d failed'):format(passed, failed) .. (skipped > 0 and (', %d skipped'):format(skipped) or ''))
  -- :cquit, unlike os.exit(), lets Neovim remove its temp dir.
  vim.cmd((failed == 0 and 0 or 1) .. 'cquit')
end

if vim.fn.executable(server) == 0 then
  check(false, 'smaqit-ls found', server .. ' (build it, or set SMAQIT_LS_PATH)')
  finish()
end

-- Notifications are the plugin's UI; keep them for the checks and the log.
local notes = {} ---@type string[]
vim.notify = function(msg)
  notes[#notes + 1] = msg
  out('#   notify: ' .. msg:gsub('\n', ' | '))
end
local function noted(pattern)
  return vim.iter(notes):find(function(msg)
    return msg:find(pattern) ~= nil
  end)
end

-- The project: a temp copy, entered like a user would.
local root = vim.fn.tempname()
vim.fn.mkdir(root, 'p')
vim.system({ 'cp', '-a', fixture .. '/.', root }):wait()
root = assert(vim.uv.fs_realpath(root))
vim.fn.chdir(root)
cleanup[#cleanup + 1] = function()
  vim.fn.delete(root, 'rf')
end
local function path(rel)
  return root .. '/' .. rel
end

local protocol = require('smaqit.protocol')

local function run_cli(args)
  local r = vim.system(vim.list_extend({ server }, args), { cwd = root, text = true }):wait(20000)
  return vim.json.decode(r.stdout, { luanil = { object = true, array = true } })
end

-- The plugin was loaded from the runtimepath (plugin/smaqit.lua enabled the
-- server); point it at the binary under test, as a user would.
local DOCS = 'https://docs.test/settings'
vim.lsp.config('smaqit_ls', { cmd = { server }, settings = { smaqit = { docsUrl = DOCS } } })

local client ---@type vim.lsp.Client
local function namespace_of(c)
  return vim.lsp.diagnostic.get_namespace(c.id, false)
end
--- Diagnostics of one file published by one client, at (0-based) line, with a code.
local function find_diag(c, rel, lnum, code)
  local buf = vim.fn.bufadd(path(rel))
  for _, d in ipairs(vim.diagnostic.get(buf, { namespace = namespace_of(c), lnum = lnum })) do
    if d.code == code then
      return d
    end
  end
end
local function line_of(rel, lnum)
  local buf = vim.fn.bufnr(path(rel))
  if buf > 0 and vim.api.nvim_buf_is_loaded(buf) then
    return vim.api.nvim_buf_get_lines(buf, lnum, lnum + 1, true)[1]
  end
  return vim.fn.readfile(path(rel))[lnum + 1]
end

section('attach', function()
  vim.cmd.edit(path('specs/functional/note-editing.md'))
  check(vim.bo.filetype == 'markdown', 'spec buffer is markdown')
  check(
    wait(10000, function()
      local c = vim.lsp.get_clients({ name = 'smaqit_ls', bufnr = 0 })[1]
      client = c and c.initialized and c or nil
      return client ~= nil
    end),
    'smaqit_ls attaches to a spec with no setup()'
  )
  check(client.server_info and client.server_info.name == 'smaqit-ls', 'serverInfo is smaqit-ls')
  check(client.root_dir == root, 'root is the folder with .smaqit', client.root_dir)
  check(client.settings.smaqit and client.settings.smaqit.docsUrl == DOCS, 'settings reach the client')
  check(
    wait(5000, function()
      return client.dynamic_capabilities:get('workspace/didChangeWatchedFiles') ~= nil
    end),
    'server registered workspace/didChangeWatchedFiles dynamically'
  )
  for rel, ft in pairs({ ['deploy/docker-compose.yml'] = 'yaml', ['.env.example'] = 'sh', ['deploy/Dockerfile'] = 'dockerfile' }) do
    local buf = vim.fn.bufadd(path(rel))
    vim.fn.bufload(buf)
    vim.bo[buf].buflisted = true
    vim.api.nvim_buf_call(buf, function()
      vim.cmd.filetype('detect')
    end)
    check(vim.bo[buf].filetype == ft, rel .. ' has filetype ' .. ft, vim.bo[buf].filetype)
    check(
      wait(5000, function()
        return vim.lsp.buf_is_attached(buf, client.id)
      end),
      'smaqit_ls attaches to ' .. rel
    )
  end
end)

if not client then
  finish() -- nothing below can work without a server
end

-- Every finding of the CLI arrives through the client at the same place
-- (the CLI counts characters, vim.diagnostic bytes: converting one to the
-- other over the actual line checks the encoding path end to end).
local findings = {}

section('diagnostics', function()
  findings = run_cli({ 'check', '.', '--format', 'json' })
  local function missing()
    local miss = {}
    for _, f in ipairs(findings) do
      local d = find_diag(client, f.path, f.line - 1, f.code)
      local line = d and line_of(f.path, d.lnum)
      local col = d and vim.str_utfindex(line, 'utf-32', d.col) + 1
      local end_col = d and d.end_lnum == d.lnum and vim.str_utfindex(line, 'utf-32', d.end_col) + 1
      if not d or col ~= f.column or (end_col and end_col ~= f.end_column) then
        miss[#miss + 1] = ('%s:%d:%d %s%s'):format(f.path, f.line, f.column, f.code, d and (' got col ' .. col) or '')
      end
    end
    return miss
  end
  local miss
  wait(10000, function()
    miss = missing()
    return #miss == 0
  end)
  check(#findings > 40 and #miss == 0, ('all %d CLI findings published at the same ranges'):format(#findings), table.concat(miss, '; '))

  -- From fixtures/README.md: one or more per family, each range covering its anchor.
  local expected = {
    { 'specs/functional/note-editing.md', 46, 'criteria/open-in-done-spec', 'FUN-NOTES-EDIT-002', 7 },
    { 'specs/coverage/notes-coverage.md', 37, 'ref/unknown-id', 'FUN-NOTES-EDTI' },
    { 'deploy/docker-compose.yml', 9, 'secret/generic-password', 'hUOSF026utTS8aVWuzSheU' },
    { 'specs/stack/web-client.md', 3, 'frontmatter/unknown-status', 'implmented' },
    { 'deploy/terraform/main.tf', 14, 'secret/aws-access-key', 'AKIAX7OHZYB63HXKEWDO' },
    { '.github/workflows/ci.yml', 27, 'secret/github-token', 'ghp_k0FrmRXJvW6qtHUOnOVoPzVLpA8yyPEEKLKZ' },
    { 'specs/infrastructure/ci-pipeline.md', 2, 'spec/duplicate-id', 'INF-CI' },
    { 'specs/functional/tagging.md', 13, 'ref/forbidden-direction', '[FUN-NOTES](../functional/notes.md)' },
    { 'specs/infrastructure/local-environment.md', 19, 'lifecycle/ahead-of-upstream', '[STK-DATABASE](../stack/database.md)' },
    { 'specs/functional/search.md', 40, 'coverage/gap', 'FUN-SEARCH-003' },
    { 'specs/coverage/search-coverage.md', 60, 'criteria/failed', 'COV-SEARCH-003' },
    { 'specs/business/uc2-organise-notes.md', 32, 'boundary/business-technology', 'PostgreSQL' }, -- CRLF file
  }
  for _, e in ipairs(expected) do
    local rel, lnum, code, anchor, char_col = unpack(e)
    local d = find_diag(client, rel, lnum - 1, code)
    local text = d and line_of(rel, d.lnum):sub(d.col + 1, d.end_col)
    check(text == anchor, ('%s at %s:%d covers %q'):format(code, rel, lnum, anchor), d and ('got %q'):format(text) or 'missing')
    if d and char_col then
      local got = vim.str_utfindex(line_of(rel, d.lnum), 'utf-32', d.col) + 1
      check(got == char_col, ('%s starts at character %d'):format(code, char_col), tostring(got))
    end
    if d and rel == 'specs/coverage/notes-coverage.md' then
      check(d.user_data.lsp.codeDescription.href:find(DOCS, 1, true) == 1, 'codeDescription uses docsUrl from settings')
    end
  end

  -- FUN-NOTES-EDTI sits after `🔁 自動保存`: UTF-16 column 19, byte 29.
  vim.cmd.edit(path('specs/coverage/notes-coverage.md'))
  local d = find_diag(client, 'specs/coverage/notes-coverage.md', 36, 'ref/unknown-id')
  local line = line_of('specs/coverage/notes-coverage.md', 36)
  check(d and vim.str_utfindex(line, 'utf-16', d.col) == 19, 'ref/unknown-id at UTF-16 column 19')
  local raw = d and d.user_data.lsp.range.start.character
  local want = ({ ['utf-8'] = 29, ['utf-16'] = 19, ['utf-32'] = 18 })[client.offset_encoding]
  check(raw == want, ('wire column %s in the negotiated %s'):format(tostring(want), client.offset_encoding), tostring(raw))
end)

-- A second client that only offers UTF-16 (as VS Code does) and takes its
-- options from init_options alone.
section('utf-16 client and init_options', function()
  local INIT_DOCS = 'https://docs.test/init'
  local config = vim.deepcopy(vim.lsp.config.smaqit_ls)
  config.name = 'smaqit_ls_utf16'
  config.root_dir = root -- vim.lsp.start does not look for root_markers
  config.settings = { smaqit = {} }
  config.init_options = { docsUrl = INIT_DOCS }
  -- Neovim deep-merges this over its defaults index by index; without utf-8
  -- in the list the server falls back to UTF-16.
  config.capabilities = { general = { positionEncodings = { 'utf-16' } } }
  local id = vim.lsp.start(config, { bufnr = 0 })
  local c16 = vim.lsp.get_client_by_id(id)
  local d
  wait(10000, function()
    d = c16 and find_diag(c16, 'specs/coverage/notes-coverage.md', 36, 'ref/unknown-id')
    return d ~= nil
  end)
  check(c16 and c16.offset_encoding == 'utf-16', 'utf-16 negotiated', c16 and c16.offset_encoding)
  check(d and d.user_data.lsp.range.start.character == 19, 'wire column 19 in UTF-16')
  check(d and d.col == 29 and d.end_col == 43, 'converted to bytes 29-43 by Neovim', d and (d.col .. '-' .. d.end_col))
  check(d and d.user_data.lsp.codeDescription.href:find(INIT_DOCS, 1, true) == 1, 'init_options reach the server')
  -- didChangeConfiguration replaces the server's options: it must carry them too.
  check(c16 and c16.settings.smaqit.docsUrl == INIT_DOCS, 'settings sent after initialize include init_options')
  c16:stop()
  wait(5000, function()
    return c16:is_stopped()
  end)
end)

local function qf_items()
  return vim.fn.getqflist({ items = 0, title = 0 })
end
local function qf_key(item)
  return ('%s:%d:%d-%d %s'):format(vim.api.nvim_buf_get_name(item.bufnr), item.lnum, item.col, item.end_col, item.text)
end

local server_check ---@type string[]
section(':SmaqitCheck from published diagnostics', function()
  vim.fn.setqflist({}, 'r', { title = 'none', items = {} })
  vim.cmd('SmaqitCheck')
  local qf = qf_items()
  check(qf.title == 'smaqit check', 'quickfix list titled smaqit check')
  check(#qf.items >= #findings, ('%d entries (CLI: %d)'):format(#qf.items, #findings))
  server_check = vim.tbl_map(qf_key, qf.items)
  local hit
  for _, item in ipairs(qf.items) do
    if vim.api.nvim_buf_get_name(item.bufnr) == path('specs/coverage/notes-coverage.md') and item.lnum == 37 then
      hit = item
    end
  end
  check(hit and hit.col == 30 and hit.text:find('ref/unknown-id', 1, true), 'notes-coverage.md:37 at byte column 30')
  vim.cmd.cclose()
end)

section(':SmaqitPlan', function()
  vim.fn.setqflist({}, 'r', { title = 'none', items = {} })
  vim.cmd('SmaqitPlan')
  local plan
  check(
    wait(10000, function()
      plan = qf_items()
      return plan.title:find('plan') ~= nil
    end),
    'quickfix list filled'
  )
  local files = vim.tbl_map(function(i)
    return vim.api.nvim_buf_get_name(i.bufnr)
  end, plan.items)
  table.sort(files)
  local want = vim.tbl_map(function(p)
    return path(p.path)
  end, run_cli({ 'plan-json', '--phase=deploy' }).pending)
  table.sort(want)
  check(#want > 0 and vim.deep_equal(files, want), 'pending specs listed', table.concat(files, ', '))
  vim.cmd.cclose()
end)

-- Without a client the commands fall back to the CLI, which must agree.
section('CLI fallback', function()
  for _, c in ipairs(vim.lsp.get_clients({ name = 'smaqit_ls' })) do
    c:stop()
  end
  wait(5000, function()
    return #vim.lsp.get_clients({ name = 'smaqit_ls' }) == 0
  end)
  vim.fn.setqflist({}, 'r', { title = 'none', items = {} })
  vim.cmd('SmaqitCheck')
  local qf
  wait(10000, function()
    qf = qf_items()
    return qf.title == 'smaqit check'
  end)
  local cli_keys = vim.tbl_map(qf_key, qf.items)
  local server_set = {}
  for _, k in ipairs(server_check) do
    server_set[k] = true
  end
  local absent = vim.tbl_filter(function(k)
    return not server_set[k]
  end, cli_keys)
  check(#cli_keys == #findings and #absent == 0, 'CLI quickfix entries match the published ones', table.concat(absent, '; '))
  vim.fn.setqflist({}, 'r', { title = 'none', items = {} })
  vim.cmd('SmaqitPlan')
  check(
    wait(10000, function()
      return #qf_items().items > 0 and qf_items().title:find('plan') ~= nil
    end),
    ':SmaqitPlan through the CLI'
  )
  vim.cmd.cclose()
end)

section('status transitions', function()
  vim.cmd.edit(path('specs/stack/database.md'))
  check(
    wait(10000, function()
      client = vim.lsp.get_clients({ name = 'smaqit_ls', bufnr = 0 })[1]
      return client ~= nil and client.initialized
    end),
    'a new client attaches'
  )
  local function lines()
    return vim.api.nvim_buf_get_lines(0, 0, 6, false)
  end
  local stamp = '%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%dZ$'
  vim.api.nvim_win_set_cursor(0, { 3, 0 })
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(a)
      return a.title:find('→ implemented', 1, true) ~= nil
    end,
  })
  local ok = wait(5000, function()
    local l = lines()
    return l[3] == 'status: implemented' and l[4]:match('^implemented: ' .. stamp) ~= nil
  end)
  check(
    ok and lines()[2] == 'id: STK-DATABASE' and lines()[5] == 'created: 2025-03-08T14:20:00Z' and lines()[6] == '---',
    'code action draft → implemented edits the frontmatter',
    vim.inspect(lines())
  )

  vim.cmd('SmaqitStatus deployed')
  check(
    wait(5000, function()
      local l = lines()
      return l[3] == 'status: deployed' and l[4]:match('^deployed: ' .. stamp) ~= nil
    end),
    ':SmaqitStatus deployed (smaqit.setStatus → workspace/applyEdit)',
    vim.inspect(lines())
  )

  local offered, target
  local select = vim.ui.select
  vim.ui.select = function(items, opts, on_choice)
    offered = vim.tbl_map(opts.format_item, items)
    target = offered[1] and offered[1]:match('→ ([%w-]+)')
    on_choice(items[1])
  end
  vim.cmd('SmaqitStatus')
  wait(5000, function()
    return target ~= nil and lines()[3] == 'status: ' .. target
  end)
  vim.ui.select = select
  check(target and lines()[3] == 'status: ' .. target, ':SmaqitStatus picker applies ' .. tostring(target), vim.inspect(offered))
  vim.cmd('silent edit!')
end)

-- fixtures/example has errors on purpose: the server refuses to deploy it.
section(':SmaqitDeploy refused', function()
  if not require('smaqit').supports(client, 'smaqit.deploy') then
    skip(':SmaqitDeploy refused', 'the server does not advertise smaqit.deploy yet')
    return
  end
  vim.fn.writefile({ '[environments.local]', 'steps = [["true"]]' }, path('.smaqit/environments.toml'))
  local confirm = vim.fn.confirm
  vim.fn.confirm = function()
    return 1
  end
  local done
  vim.api.nvim_create_autocmd('User', {
    pattern = 'SmaqitDeploy',
    once = true,
    callback = function(ev)
      done = ev.data
    end,
  })
  vim.cmd('SmaqitDeploy local')
  wait(20000, function()
    return done ~= nil
  end)
  vim.fn.confirm = confirm
  check(done and done.result and done.result.status == 'refused', 'refused', vim.inspect(done))
  local qf = qf_items()
  local hit = vim.iter(qf.items):find(function(i)
    return vim.api.nvim_buf_get_name(i.bufnr) == path('specs/infrastructure/backups.md') and i.lnum == 4 and i.col == 21
  end)
  check(qf.title == 'smaqit deploy refused' and hit ~= nil, 'blocking findings in the quickfix list', vim.inspect(qf))
  vim.cmd.cclose()
end)

-- fixtures/clean holds the `local` environment: a real Python service on a
-- free loopback port, with its secrets from SMAQIT_SECRET_<NAME>.
section(':SmaqitDeploy local', function()
  if not require('smaqit').supports(client, 'smaqit.deploy') then
    skip(':SmaqitDeploy local', 'the server does not advertise smaqit.deploy yet')
    return
  end
  local project = vim.fn.tempname()
  vim.fn.mkdir(project, 'p')
  vim.system({ 'cp', '-a', repo .. '/fixtures/clean/.', project }):wait()
  project = assert(vim.uv.fs_realpath(project))
  cleanup[#cleanup + 1] = function()
    -- The service outlives the deploy by design; stop it with the project.
    local f = io.open(project .. '/.smaqit/run/service.pid')
    local pid = f and tonumber(f:read('*l'))
    if f then
      f:close()
    end
    if pid then
      vim.uv.kill(pid, 'sigterm')
    end
    vim.fn.delete(project, 'rf')
  end
  -- Inherited by the server, then by its executor (the env secrets provider).
  vim.env.SMAQIT_SECRET_DB_PASSWORD = 'e2e-db-password'
  vim.env.SMAQIT_SECRET_SESSION_SECRET = 'e2e-session-secret'
  local spec = project .. '/specs/infrastructure/local-service.md'
  vim.fn.chdir(project)
  vim.cmd.edit(spec)
  local c
  wait(10000, function()
    c = vim.lsp.get_clients({ name = 'smaqit_ls', bufnr = 0 })[1]
    return c ~= nil and c.initialized
  end)
  if not check(c and c.root_dir == project, 'a client for the deploy project') then
    return
  end
  local envs = require('smaqit').execute_sync(c, 'smaqit.listEnvironments', {}, 5000) or {}
  local env = vim.iter(envs):find(function(e)
    return e.name == 'local'
  end)
  if not check(env ~= nil, 'smaqit.listEnvironments has `local`') then
    return
  end

  -- :SmaqitDeploy with no argument asks which environment.
  local select, picked = vim.ui.select, nil
  vim.ui.select = function(items, _, on_choice)
    picked = vim.tbl_map(function(e)
      return e.name
    end, items)
    on_choice(nil)
  end
  vim.cmd('SmaqitDeploy')
  wait(5000, function()
    return picked ~= nil
  end)
  vim.ui.select = select
  check(picked and vim.list_contains(picked, 'local'), 'without argument: vim.ui.select over the environments')

  -- confirm() cannot be answered in headless mode: record the questions, say yes.
  local asked = {}
  local confirm = vim.fn.confirm
  vim.fn.confirm = function(msg)
    asked[#asked + 1] = msg
    return 1
  end
  -- Every $/progress of the client, whatever its token.
  local progress = {} ---@type lsp.ProgressParams[]
  vim.api.nvim_create_autocmd('LspProgress', {
    callback = function(ev)
      if ev.data.client_id == c.id then
        progress[#progress + 1] = ev.data.params
      end
    end,
  })
  -- The executeCommand params of each deploy, as the plugin sends them.
  local sent = {} ---@type lsp.ExecuteCommandParams[]
  local request = c.request
  c.request = function(self, method, params, ...)
    if method == 'workspace/executeCommand' and params.command == protocol.commands.deploy then
      sent[#sent + 1] = vim.deepcopy(params)
    end
    return request(self, method, params, ...)
  end
  ---@return lsp.ProgressParams[]
  local function on_token(token, kind)
    return vim.tbl_filter(function(p)
      return p.token == token and (kind == nil or p.value.kind == kind)
    end, progress)
  end
  ---@param token any
  local function own_token(token)
    return type(token) == 'string' and not vim.startswith(token, protocol.progress.deploy_prefix)
  end
  local function deploy(on_begin, name)
    local done
    vim.api.nvim_create_autocmd('User', {
      pattern = 'SmaqitDeploy',
      once = true,
      callback = function(ev)
        done = ev.data
      end,
    })
    local before = #sent
    vim.cmd('SmaqitDeploy ' .. (name or 'local'))
    -- The request goes out once the environments are listed.
    wait(10000, function()
      return #sent > before
    end)
    local token = #sent > before and sent[#sent].workDoneToken or nil
    if on_begin then
      wait(10000, function()
        return #on_token(token, 'begin') > 0
      end)
      on_begin(token)
    end
    wait(40000, function()
      return done ~= nil
    end)
    return done, token
  end

  -- "▶ Deploy to local" (a code lens the plugin keeps fresh) asks first like
  -- :SmaqitDeploy; answered Cancel, nothing is sent.
  local buf = vim.fn.bufnr(spec)
  local lens
  wait(10000, function()
    lens = vim.iter(vim.lsp.codelens.get(buf)):find(function(l)
      return l.command and l.command.title:find('Deploy to local', 1, true) ~= nil
    end)
    return lens ~= nil
  end)
  if check(lens ~= nil, 'the plugin shows code lenses: "Deploy to local" on the pending spec') then
    vim.api.nvim_win_set_cursor(0, { lens.range.start.line + 1, 0 })
    local select_fn = vim.ui.select
    vim.ui.select = function(items, opts, on_choice)
      local i = vim.iter(ipairs(items)):find(function(_, item)
        return (opts.format_item and opts.format_item(item) or item.title or ''):find('Deploy', 1, true) ~= nil
      end)
      on_choice(items[i], i)
    end
    vim.fn.confirm = function(msg)
      asked[#asked + 1] = msg
      return 2
    end
    vim.lsp.codelens.run()
    wait(5000, function()
      return #asked > 0
    end)
    vim.ui.select = select_fn
    vim.fn.confirm = function(msg)
      asked[#asked + 1] = msg
      return 1
    end
    check(asked[1] and asked[1]:find('Deploy to local?', 1, true) and asked[1]:find('local-service.md', 1, true), 'the lens confirms first, naming the spec it deploys', asked[1])
    vim.wait(300)
    check(#sent == 0 and vim.api.nvim_buf_get_lines(buf, 2, 3, false)[1] == 'status: draft', 'answered Cancel, the lens deploys nothing')
    asked = {}
  end

  -- Run again while running: the plugin offers to cancel, the server stops.
  local done, cancelled_token = deploy(function()
    vim.cmd('SmaqitDeploy local')
  end)
  check(own_token(cancelled_token), 'the deploy request carries a workDoneToken of the plugin', vim.inspect(sent[1]))
  check(#on_token(cancelled_token, 'begin') == 1, '$/progress begins on that token')
  check(done and done.result and done.result.status == 'cancelled', 'second :SmaqitDeploy cancels', vim.inspect(done))
  check(asked[2] and asked[2]:find('Cancel it?', 1, true), 'asked before cancelling', asked[2])
  check(vim.api.nvim_buf_get_lines(vim.fn.bufnr(spec), 2, 3, false)[1] == 'status: draft', 'cancelled: spec unchanged')

  asked, progress = {}, {}
  local t0 = vim.uv.hrtime()
  local token
  done, token = deploy()
  vim.fn.confirm = confirm
  out(('#   deploy took %.1f s'):format((vim.uv.hrtime() - t0) / 1e9))
  local steps_listed = asked[1] ~= nil
  for _, argv in ipairs(env.steps or {}) do
    steps_listed = steps_listed and asked[1]:find(table.concat(argv, ' '), 1, true) ~= nil
  end
  check(steps_listed, 'confirmation lists the steps', asked[1])
  if not check(done ~= nil, 'deploy finished') then
    return
  end
  local result = done.result or {}
  check(result.status == 'success', 'status success', vim.inspect(done))
  check(
    #on_token(token, 'report') > 0 and noted('deploy local') ~= nil,
    '$/progress reported on the deploy\'s token and shown through vim.notify'
  )
  check(own_token(token) and token ~= cancelled_token, 'each deploy has a token of its own', tostring(token))
  local deploy_progress = vim.tbl_filter(function(p)
    return (p.value.title or ''):find('deploying', 1, true) ~= nil
  end, progress)
  check(
    #deploy_progress > 0 and #on_token(token) == #deploy_progress and #on_token(token, 'end') == 1,
    'all of the deploy\'s progress, and only it, on that token',
    vim.inspect(deploy_progress)
  )
  check(result.report and #vim.fn.win_findbuf(vim.uri_to_bufnr(result.report)) > 0, 'report opened', result.report)
  -- The spec is open, so the server updated the buffer (applyEdit), not the file.
  local lines = vim.api.nvim_buf_get_lines(vim.fn.bufnr(spec), 0, -1, false)
  check(lines[3] == 'status: deployed', 'the spec status is now deployed', lines[3])
  check(
    vim.iter(lines):any(function(l)
      return l:match('^deployed: %d%d%d%d%-') ~= nil
    end),
    'with a deployed timestamp'
  )
  if result.endpoint and vim.fn.executable('curl') == 1 then
    local health = vim.system({ 'curl', '-fsS', '--max-time', '5', result.endpoint .. 'health' }, { text = true }):wait()
    check(health.code == 0 and health.stdout:find('"ok"', 1, true), 'the deployed service answers at ' .. result.endpoint, health.stderr)
  end

  -- A long deploy: the server indexes meanwhile, on its own token, and that
  -- progress is not taken for the deploy's; then the deploy is cancelled.
  local envs_file = project .. '/.smaqit/environments.toml'
  vim.fn.writefile({ '', '[environments.slow]', 'steps = [["sleep", "30"]]', 'timeout_secs = 120', 'retries = 0', 'specs = ["INF-LOCAL-SERVICE"]' }, envs_file, 'a')
  vim.fn.confirm = function()
    return 1
  end
  progress = {}
  local reindexed, statusline, notes_before
  local slow, slow_token = deploy(function(t)
    notes_before = #notes
    require('smaqit').execute(c, protocol.commands.reindex, {}, function(err, r)
      reindexed = { err = err, result = r }
      statusline = require('smaqit').statusline()
    end)
    wait(20000, function()
      return reindexed ~= nil
    end)
    check(#on_token(t, 'end') == 0, 'the deploy still runs after the indexing')
    vim.cmd('SmaqitDeploy slow') -- offers to cancel; confirm() says yes
  end, 'slow')
  vim.fn.confirm = confirm
  check(own_token(slow_token), 'the slow deploy carries its own token', tostring(slow_token))
  local index = on_token(protocol.progress.index)
  check(
    reindexed and reindexed.err == nil and #on_token(protocol.progress.index, 'begin') == 1 and #on_token(protocol.progress.index, 'end') == 1,
    'indexing meanwhile reported on ' .. protocol.progress.index,
    vim.inspect(index)
  )
  check(statusline and statusline:find('deploy slow', 1, true) ~= nil, 'the statusline still shows the deploy once indexing ended', statusline)
  local indexing_noted = false
  for i = (notes_before or 0) + 1, #notes do
    indexing_noted = indexing_noted or notes[i]:find('indexed', 1, true) ~= nil or notes[i]:find('%d+/%d+ specs') ~= nil
  end
  check(not indexing_noted, 'no indexing message shown as the deploy\'s')
  check(slow and slow.result and slow.result.status == 'cancelled', 'the slow deploy is cancelled', vim.inspect(slow))
  local ended = on_token(slow_token, 'end')[1]
  check(ended and ended.value.message:find('^cancelled') ~= nil, 'its progress ends `cancelled` on its token', vim.inspect(ended))
  vim.fn.chdir(root)
end)

section(':checkhealth smaqit', function()
  vim.cmd.edit(path('specs/functional/note-editing.md'))
  vim.cmd('silent checkhealth smaqit')
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  check(text:find('OK', 1, true) ~= nil, 'reports OK')
  check(text:find('ERROR', 1, true) == nil, 'reports no ERROR', text)
  check(text:find('smaqit-ls 0.', 1, true) ~= nil, 'shows the server version')
  check(text:find('project root: ' .. root, 1, true) ~= nil, 'shows the project root')
  if require('smaqit').supports(client, 'smaqit.listEnvironments') then
    check(text:find('local: 1 step(s)', 1, true) ~= nil, 'lists the environments')
  end
end)

finish()
