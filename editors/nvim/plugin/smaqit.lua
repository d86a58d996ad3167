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

-- Installing the plugin is enough to get the server; `vim.g.smaqit_enable = false`
-- (before this file runs) leaves enabling to the user.
if vim.g.smaqit_enable ~= false then
  vim.lsp.enable('smaqit_ls')
end
