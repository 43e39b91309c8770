// Passkeys in the browser (src/passkeys, ADR 0101): loaded only on the pages that offer them, after
// SimpleWebAuthn's bundle (/vendor/simplewebauthn-browser.min.js, globalThis.SimpleWebAuthnBrowser).
// The server's answers are JSON ({ error } or { redirect }); errors are shown in the live region beside
// the button. fetch() sends Origin and Sec-Fetch-Site: same-origin, which the CSRF check asks for.
;(function () {
  'use strict'
  var lib = globalThis.SimpleWebAuthnBrowser
  if (!lib) return

  var STATUS_MESSAGES = {
    401: 'Your session has ended. Log in again.',
    403: 'This was refused. If you are logged in as someone else, return to your own account first.',
    413: 'The request is too large.',
    429: 'Too many attempts. Wait a few minutes and try again.',
  }

  function postJson(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body || {}),
    }).then(function (res) {
      var isJson = (res.headers.get('content-type') || '').indexOf('application/json') === 0
      return (isJson ? res.json().catch(function () { return null }) : Promise.resolve(null)).then(function (data) {
        if (res.ok && data) return data
        throw new Error((data && data.error) || STATUS_MESSAGES[res.status] || 'Something went wrong (' + res.status + '). Try again.')
      })
    })
  }

  // What the browser's own errors mean to a person (SimpleWebAuthn names them: WebAuthnError codes).
  function explain(err) {
    if (err && err.name === 'NotAllowedError') return 'The passkey prompt was closed or timed out. Try again when ready.'
    if (err && err.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') return 'This device already holds a passkey for your account.'
    if (err && err.name === 'InvalidStateError') return 'This device already holds a passkey for your account.'
    return (err && err.message) || 'Something went wrong. Try again.'
  }

  function say(el, message, isError) {
    if (!el) return
    el.textContent = message
    el.classList.toggle('is-danger', Boolean(isError))
  }

  function setUp(root, button, status, run) {
    if (!lib.browserSupportsWebAuthn()) {
      button.disabled = true
      say(status, 'This browser does not support passkeys.', true)
      return
    }
    var busy = false
    return function (event) {
      if (event) event.preventDefault()
      if (busy) return
      busy = true
      button.classList.add('is-loading')
      say(status, 'Follow your browser’s prompt to use your passkey…', false)
      run().then(function (result) {
        window.location.assign(result.redirect)
      }, function (err) {
        say(status, explain(err), true)
      }).then(function () {
        busy = false
        button.classList.remove('is-loading')
      })
    }
  }

  function finishLogin(response, next) {
    return postJson('/passkeys/login', { response: response, next: next })
  }

  // Settings: add a passkey under the typed name.
  var register = document.querySelector('[data-passkey-register]')
  if (register) {
    var registerButton = register.querySelector('button[type="submit"]')
    var start = setUp(register, registerButton, register.querySelector('.passkey-status'), function () {
      var name = register.querySelector('input[name="passkey_name"]').value
      return postJson('/passkeys/register/options').then(function (options) {
        return lib.startRegistration({ optionsJSON: options })
      }).then(function (response) {
        return postJson('/passkeys/register', { name: name, response: response })
      })
    })
    if (start) register.addEventListener('submit', start)
  }

  // Log in and sign up: the button, and the email field's autofill (conditional mediation) where supported.
  var login = document.querySelector('[data-passkey-login]')
  if (login) {
    var next = login.getAttribute('data-next') || '/dashboard'
    var loginButton = login.querySelector('button')
    var status = login.querySelector('.passkey-status')
    var signIn = setUp(login, loginButton, status, function () {
      return postJson('/passkeys/login/options').then(function (options) {
        return lib.startAuthentication({ optionsJSON: options })
      }).then(function (response) { return finishLogin(response, next) })
    })
    if (signIn) loginButton.addEventListener('click', signIn)

    var autofillField = document.querySelector('input[autocomplete~="webauthn"]')
    if (signIn && autofillField) {
      lib.browserSupportsWebAuthnAutofill().then(function (supported) {
        if (!supported) return
        return postJson('/passkeys/login/options').then(function (options) {
          return lib.startAuthentication({ optionsJSON: options, useBrowserAutofill: true })
        }).then(function (response) {
          say(status, 'Signing you in…', false)
          return finishLogin(response, next)
        }).then(function (result) {
          window.location.assign(result.redirect)
        })
      }).catch(function (err) {
        // The button aborts a waiting autofill request: that is not an error to show.
        if (err && err.name !== 'AbortError' && err.code !== 'ERROR_CEREMONY_ABORTED') say(status, explain(err), true)
      })
    }
  }
})()
