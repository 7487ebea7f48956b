"""The Adam optimiser (Kingma and Ba), updating NumPy parameters in place."""

import numpy as np

__all__ = ["Adam"]


class Adam:
    def __init__(self, parameters, learning_rate):
        self.rate, self.step = learning_rate, 0
        self.moments = [(np.zeros_like(p), np.zeros_like(p)) for p in parameters]

    def update(self, parameters, gradients):
        self.step += 1
        for parameter, gradient, (m, v) in zip(parameters, gradients, self.moments):
            m *= 0.9
            m += 0.1 * gradient
            v *= 0.999
            v += 0.001 * gradient ** 2
            m_hat, v_hat = m / (1 - 0.9 ** self.step), v / (1 - 0.999 ** self.step)
            parameter -= self.rate * m_hat / (np.sqrt(v_hat) + 1e-8)
