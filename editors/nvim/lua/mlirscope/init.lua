-- mlirscope for Neovim: mlirscope-lsp on `mlir` buffers, and `.mlirbc` models
-- read as their IR with each blob elided and written back as bytecode with
-- the original blobs (the server's mlir/convertFromBytecode and
-- mlir/convertToBytecode).
--
-- Works on Neovim 0.7 (Debian 12: no `mlir` filetype, no vim.lsp.start;
-- vim.lsp.start_client + buf_attach_client) and on current releases
-- (vim.lsp.start).
--
--   require('mlirscope').setup({ cmd = { '/path/to/mlirscope-lsp' } })
local M = {}

M.options = {
  -- The server and its arguments.
  cmd = { 'mlirscope-lsp' },
  -- How long a conversion (open or write of a .mlirbc) may take.
  timeout_ms = 120000,
}

local client_id = nil

local function config()
  return {
    name = 'mlirscope',
    cmd = M.options.cmd,
    -- One server for the session, wherever the models are.
    root_dir = vim.loop.cwd(),
  }
end

local function notify(msg, level)
  vim.notify('mlirscope: ' .. msg, level or vim.log.levels.INFO)
end

--- Starts the server if needed, attaches it to `buf`, and returns the client
--- once initialized (nil if it did not start).
function M.attach(buf)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  if vim.lsp.start then
    client_id = vim.lsp.start(config(), { bufnr = buf })
  else
    local c = client_id and vim.lsp.get_client_by_id(client_id)
    if not c or c.is_stopped() then
      client_id = vim.lsp.start_client(config())
    end
    if client_id then
      vim.lsp.buf_attach_client(buf, client_id)
    end
  end
  if not client_id then
    notify('could not start ' .. table.concat(M.options.cmd, ' '), vim.log.levels.ERROR)
    return nil
  end
  local client = vim.lsp.get_client_by_id(client_id)
  vim.wait(10000, function()
    return client == nil or client.initialized == true or client.is_stopped()
  end, 20)
  if not client or not client.initialized then
    notify('the server did not start: ' .. table.concat(M.options.cmd, ' '), vim.log.levels.ERROR)
    return nil
  end
  return client
end

local function request(client, buf, method, params)
  local result, err = client.request_sync(method, params, M.options.timeout_ms, buf)
  if not result then
    return nil, err or 'timed out'
  end
  if result.err then
    return nil, result.err.message or vim.inspect(result.err)
  end
  return result.result, nil
end

--- BufReadCmd for *.mlirbc: the buffer gets the model's IR, each blob elided.
function M.read_bytecode(buf, path)
  local client = M.attach(buf)
  if not client then
    return
  end
  local result, err = request(client, buf, 'mlir/convertFromBytecode', { uri = vim.uri_from_fname(path) })
  if not result then
    notify('cannot open ' .. path .. ': ' .. err, vim.log.levels.ERROR)
    return
  end
  local lines = vim.split(result.output or '', '\n', { plain = true })
  if lines[#lines] == '' then
    table.remove(lines)
  end
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.api.nvim_buf_set_option(buf, 'filetype', 'mlir')
  vim.api.nvim_buf_set_option(buf, 'modified', false)
end

--- BufWriteCmd for *.mlirbc: the server writes bytecode with the original
--- blobs (a temporary renamed over the file); on failure the file is left as
--- it was and the reason shown.
function M.write_bytecode(buf, path)
  local client = M.attach(buf)
  if not client then
    return
  end
  local text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n') .. '\n'
  local result, err = request(client, buf, 'mlir/convertToBytecode',
                              { uri = vim.uri_from_fname(path), text = text, output = path })
  if not result then
    notify(path .. ' not written (unchanged on disk): ' .. err, vim.log.levels.ERROR)
    return
  end
  vim.api.nvim_buf_set_option(buf, 'modified', false)
  notify(string.format('"%s" written as bytecode, %d bytes', path, result.bytes or 0))
end

function M.setup(opts)
  M.options = vim.tbl_deep_extend('force', M.options, opts or {})
  local group = vim.api.nvim_create_augroup('mlirscope', { clear = true })
  -- Neovim 0.7 knows no `mlir` filetype.
  vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
    group = group,
    pattern = '*.mlir',
    command = 'setfiletype mlir',
  })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'mlir',
    callback = function(args)
      if not vim.api.nvim_buf_get_name(args.buf):match('%.mlirbc$') then
        M.attach(args.buf)
      end
    end,
  })
  vim.api.nvim_create_autocmd('BufReadCmd', {
    group = group,
    pattern = '*.mlirbc',
    callback = function(args)
      M.read_bytecode(args.buf, vim.fn.fnamemodify(args.file, ':p'))
    end,
  })
  vim.api.nvim_create_autocmd('BufWriteCmd', {
    group = group,
    pattern = '*.mlirbc',
    callback = function(args)
      M.write_bytecode(args.buf, vim.fn.fnamemodify(args.file, ':p'))
    end,
  })
  vim.api.nvim_create_user_command('MlirscopeRestart', function()
    if client_id then
      vim.lsp.stop_client(client_id)
      client_id = nil
    end
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(b) and vim.api.nvim_buf_get_option(b, 'filetype') == 'mlir' then
        M.attach(b)
      end
    end
  end, {})
end

return M
