-- Commands and server enabling; the modules behind them load on first use.
if vim.g.loaded_smaqit then
  return
end
vim.g.loaded_smaqit = true

local function commands()
  return require('smaqit.commands')
end

vim.api.nvim_create_user_command('SmaqitDeploy', function(a)
  commands().deploy(a.args ~= '' and a.args or nil)
end, {
  nargs = '?',
  desc = 'smaqit: deploy to an environment (.smaqit/environments.toml)',
  complete = function(lead)
    return vim.tbl_filter(function(name)
      return vim.startswith(name, lead)
    end, commands().environment_names())
  end,
})

vim.api.nvim_create_user_command('SmaqitPlan', function()
  commands().plan()
end, { desc = 'smaqit: specs pending for deploy into the quickfix list' })

vim.api.nvim_create_user_command('SmaqitCheck', function()
  commands().check()
end, { desc = 'smaqit: workspace diagnostics into the quickfix list' })

vim.api.nvim_create_user_command('SmaqitStatus', function(a)
  commands().status(a.args ~= '' and a.args or nil)
end, {
  nargs = '?',
  desc = 'smaqit: set the status of the current spec',
  complete = function(lead)
    return vim.tbl_filter(function(s)
      return vim.startswith(s, lead)
    end, require('smaqit').statuses)
  end,
})

-- A code lens ("▶ Deploy to local") runs through the same confirmation as
-- :SmaqitDeploy: Neovim looks up vim.lsp.commands before asking the server.
vim.lsp.commands[require('smaqit.protocol').commands.deploy] = function(command, ctx)
  local args = (command.arguments or {})[1] or {}
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client and type(args.environment) == 'string' then
    commands().deploy(args.environment, client)
  end
end

-- Code lenses (references, criteria, deploy) in smaqit buffers, kept fresh;
-- `vim.g.smaqit_codelens = false` turns them off. Run one with
-- `vim.lsp.codelens.run()`.
vim.api.nvim_create_autocmd('LspAttach', {
  group = vim.api.nvim_create_augroup('smaqit.codelens', { clear = true }),
  callback = function(ev)
    local client = vim.lsp.get_client_by_id(ev.data.client_id)
    if vim.g.smaqit_codelens == false or not client or client.name ~= 'smaqit_ls' then
      return
    end
    if not client:supports_method('textDocument/codeLens', ev.buf) then
      return
    end
    vim.lsp.codelens.refresh({ bufnr = ev.buf })
    vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'BufWritePost' }, {
      group = vim.api.nvim_create_augroup('smaqit.codelens.' .. ev.buf, { clear = true }),
      buffer = ev.buf,
      callback = function()
        vim.lsp.codelens.refresh({ bufnr = ev.buf })
      end,
    })
  end,
})

-- Installing the plugin is enough to get the server; `vim.g.smaqit_enable = false`
-- (before this file runs) leaves enabling to the user.
if vim.g.smaqit_enable ~= false then
  vim.lsp.enable('smaqit_ls')
end
