/* Alpine.js components. The pages load Alpine's CSP build (no eval, so the Content-Security-Policy needs no
 * 'unsafe-eval'): a template names a component here (x-data="codeButton") and its properties and methods
 * (x-text="label", @click="edit"); the logic lives in this file, never in an attribute. Data comes from the
 * element's data-* attributes. Loaded before Alpine, which fires alpine:init when it starts. */
(function () {
  "use strict";

  document.addEventListener("alpine:init", function () {
    var Alpine = window.Alpine;

    // 获取验证码: counts down until another code may be asked for. The wait comes from data-wait when the
    // page is drawn, or from the code-wait event the answer under the button sends (codeWait below).
    Alpine.data("codeButton", function () {
      return {
        wait: 0,
        timer: null,
        init: function () {
          var seconds = parseInt(this.$el.dataset.wait || "0", 10);
          if (seconds > 0) this.start(seconds);
        },
        start: function (seconds) {
          var self = this;
          self.wait = seconds;
          clearInterval(self.timer);
          self.timer = setInterval(function () {
            self.wait -= 1;
            if (self.wait <= 0) {
              self.wait = 0;
              clearInterval(self.timer);
            }
          }, 1000);
        },
        onWait: function (event) {
          this.start(parseInt(event.detail, 10) || 0);
        },
        get waiting() {
          return this.wait > 0;
        },
        get label() {
          return this.wait > 0 ? this.wait + "秒后重新获取" : "获取验证码";
        },
      };
    });

    // The answer under 获取验证码 (swapped in by htmx) tells the button how long to wait.
    Alpine.data("codeWait", function () {
      return {
        init: function () {
          this.$dispatch("code-wait", parseInt(this.$el.dataset.wait || "0", 10));
        },
      };
    });

    // 编辑账号: 密码 shows •••••••• and a pencil; the pencil opens the field and puts the cursor in it.
    Alpine.data("passwordEditor", function () {
      return {
        editing: false,
        init: function () {
          this.editing = this.$el.dataset.editing === "true";
        },
        get viewing() {
          return !this.editing;
        },
        edit: function () {
          var refs = this.$refs;
          this.editing = true;
          this.$nextTick(function () {
            refs.pw.querySelector("input").focus();
          });
        },
      };
    });

    // 线下出单: choosing a registered enterprise copies its data (the option's data-fill) into the fields.
    Alpine.data("enterpriseFill", function () {
      return {
        fill: function (event) {
          var option = event.target.selectedOptions[0];
          if (!option || !option.dataset.fill) return;
          var values = JSON.parse(option.dataset.fill);
          var root = this.$root;
          Object.keys(values).forEach(function (name) {
            var input = root.querySelector('[name="' + name + '"]');
            if (input) input.value = values[name];
          });
        },
      };
    });
  });
})();
