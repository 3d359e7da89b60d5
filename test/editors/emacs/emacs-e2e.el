;;; emacs-e2e.el --- editors/emacs in batch mode  -*- lexical-binding: t -*-
;; Run by ../emacs.test:
;;   emacs --batch -Q -l emacs-e2e.el PLUGIN-DIR LSP MODEL.mlirbc TEXT.mlir [INLINE.mlir]
;; A .mlirbc opened as elided IR, edited and saved as bytecode; a save the
;; server refuses; eglot and lsp-mode registrations. Prints PASS:/FAIL: lines
;; and `emacs-e2e: N passed, M failed'.
(require (quote cl-lib))
;; Debian's elpa-eglot (Emacs 28); -Q leaves site packages out.
(dolist (d (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path d))
(let* ((args command-line-args-left)
       (plugin (nth 0 args)) (lsp (nth 1 args)) (model (nth 2 args)) (text (nth 3 args))
       (inline (nth 4 args))
       (passed 0) (failed 0))
  (setq command-line-args-left nil)
  (cl-flet ((check (name ok &optional detail)
              (if ok (setq passed (1+ passed)) (setq failed (1+ failed)))
              (princ (format "%s: %s%s\n" (if ok "PASS" "FAIL") name
                             (if (and (not ok) detail) (format ": %s" detail) "")))))
    (condition-case err
        (progn
          (add-to-list 'load-path plugin)
          (setq mlirscope-lsp-program lsp)
          (require 'mlirscope)
          (find-file text)
          (check "text .mlir: mlir-mode" (eq major-mode 'mlir-mode) major-mode)
          (if (not (require 'eglot nil t))
              (check "eglot is installed (Debian: elpa-eglot)" nil)
            (check "eglot knows mlirscope-lsp for mlir-mode"
                   (equal (cdr (assoc '(mlir-mode mlirscope-bytecode-mode) eglot-server-programs))
                          (list lsp)))
            ;; eglot as `M-x eglot' starts it, then a hover on the key of a
            ;; dense_resource through eglot's connection.
            (let* ((server (eglot '(mlir-mode) (or (project-current) (cons 'transient default-directory)) 'eglot-lsp-server
                                  (list lsp) "mlir"))
                   (_ (goto-char (point-min)))
                   (_ (search-forward "dense_resource<layer0.w"))
                   (hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams)
                                           :timeout 30))
                   (value (plist-get (plist-get hover :contents) :value)))
              (check "eglot: hover on dense_resource shows dtype, shape and statistics"
                     (and value (string-match-p "dtype: `f32`, shape: `4x8`" value)
                          (string-match-p "| min | max |" value))
                     value)
              ;; An inline hex weight (a JAX export beside the text model):
              ;; the same server, a buffer eglot manages on opening.
              (when inline
                (find-file inline)
                (goto-char (point-min))
                (search-forward "dense<\"0x")
                (let* ((hover (jsonrpc-request server :textDocument/hover
                                               (eglot--TextDocumentPositionParams)
                                               :timeout 30))
                       (value (plist-get (plist-get hover :contents) :value)))
                  (check "eglot: hover on an inline hex weight names it, with its type"
                         (and value (string-match-p "@inputs/stablehlo.constant#0" value)
                              (string-match-p "14x15x16x17" value))
                         (and value (substring value 0 (min 300 (length value)))))))
              (eglot-shutdown server)))
          (find-file model)
          (check ".mlirbc: mlirscope-bytecode-mode" (eq major-mode 'mlirscope-bytecode-mode) major-mode)
          (check ".mlirbc opens as elided IR"
                 (and (save-excursion (goto-char (point-min)) (search-forward "dense_resource<layer0.weight>" nil t))
                      (save-excursion (goto-char (point-min)) (search-forward "mlirscope-elided: f32" nil t)))
                 (buffer-substring-no-properties (point-min) (min (point-max) 200)))
          (check ".mlirbc buffer unmodified" (not (buffer-modified-p)))
          (goto-char (point-min))
          (while (search-forward "@forward" nil t) (replace-match "@forward_emacs" t t))
          (save-buffer)
          (check ".mlirbc saved: buffer unmodified" (not (buffer-modified-p)))
          (let ((before (file-attribute-modification-time (file-attributes model))))
            (goto-char (point-min))
            (insert "this is not MLIR\n")
            (let ((msg (condition-case e (progn (save-buffer) nil) (error (error-message-string e)))))
              (check "a refused save says why" (and msg (string-match-p "not written" msg)) msg))
            (check "a refused save keeps the buffer modified" (buffer-modified-p))
            (check "a refused save leaves the file as it was"
                   (equal before (file-attribute-modification-time (file-attributes model)))))
          (set-buffer-modified-p nil))
      (error (check "script" nil (error-message-string err))))
    (princ (format "emacs-e2e: %d passed, %d failed\n" passed failed))
    (kill-emacs 0)))
